"""Project-wide test fixtures: browser launch against Debian's chromium, and a guard that
nothing skips in CI for want of a browser or a database."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"CI=true and no browser at {CHROMIUM}")
        pytest.skip(f"no browser at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(autouse=True)
def _sms_outbox(settings):  # type: ignore[no-untyped-def]
    from linli.lib.sms import MemorySmsBackend

    settings.SMS_BACKEND = "linli.lib.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    return MemorySmsBackend.outbox


@pytest.fixture
def city_tree(db):  # type: ignore[no-untyped-def]
    """A small tree: one city, two districts, each with one subdistrict, one community and
    two grids. Returns a dict of the regions by short name."""
    from linli.territory.tests.factories import (
        CityFactory,
        CommunityFactory,
        DistrictFactory,
        GridFactory,
        SubdistrictFactory,
    )

    city = CityFactory(code="410600000000", name="鹤壁市")
    tree = {"city": city}
    for i, (dname, sname, cname) in enumerate(
        [("淇滨区", "九州路街道", "朝阳社区"), ("山城区", "红旗街道", "新华社区")], start=1
    ):
        district = DistrictFactory(parent=city, name=dname)
        sub = SubdistrictFactory(parent=district, name=sname)
        community = CommunityFactory(parent=sub, name=cname)
        tree[f"district{i}"] = district
        tree[f"subdistrict{i}"] = sub
        tree[f"community{i}"] = community
        tree[f"grid{i}a"] = GridFactory(parent=community)
        tree[f"grid{i}b"] = GridFactory(parent=community)
    return tree


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    """make_user(role, region, **extra) → a user holding that role in that region."""
    from linli.accounts.tests.factories import RoleFactory, UserFactory

    def make(role: str | None = None, region=None, **extra):  # type: ignore[no-untyped-def]
        user = UserFactory(**extra)
        if role is not None:
            RoleFactory(user=user, role=role, region=region)
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_grid_index():  # type: ignore[no-untyped-def]
    """Test transactions roll back, so territory versions repeat between tests: start and end
    each test with an index that will rebuild from what the test wrote."""
    from linli.territory import gridindex

    gridindex.invalidate()
    yield
    gridindex.invalidate()


# CI runs hypothesis derandomised (the same examples every run, so a red run is reproducible);
# developers keep random exploration, and hypothesis prints the seed of any failure.
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
hypothesis_settings.register_profile("dev", print_blob=True, deadline=None)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


@pytest.fixture(autouse=True)
def _fresh_category_classes():  # type: ignore[no-untyped-def]
    """The KPI store keeps each process's category → major class map; rolled-back tests reuse
    category ids for other trees, so every test starts without it."""
    from linli.workorders.classes import forget_categories

    forget_categories()
    yield
    forget_categories()
