"""Fixtures for work-order tests: a cast of people in two districts, and order makers."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from linli.accounts.models import Organization, OrganizationMembership, Role
from linli.accounts.tests.factories import RoleFactory, UserFactory
from linli.territory import gridindex
from linli.territory.models import Region
from linli.workorders.models import Source, WorkOrder
from linli.workorders.services import create_order
from linli.workorders.tests.factories import CategoryFactory, ServiceCategoryFactory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Concurrency tests need row locks and several connections: PostgreSQL. SQLite's
    in-memory test database refuses a second writer at once ("table is locked") instead of
    making it wait, so there they are deselected (not skipped); `.ci/run` runs them in its
    PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    here = str(Path(__file__).parent)
    keep, drop = [], []
    for item in items:
        mine = str(item.path).startswith(here)
        (drop if mine and item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast has a dozen users; the default hasher would spend seconds on each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    # Test transactions roll back, so territory versions repeat between tests.
    gridindex.invalidate()
    yield
    gridindex.invalidate()


def centre(grid: Region) -> tuple[float, float]:
    assert grid.centroid_lng is not None and grid.centroid_lat is not None
    return grid.centroid_lng, grid.centroid_lat


@dataclass
class Cast:
    """People around grid1a (in district 1) and their counterparts in district 2."""

    tree: dict[str, Region]
    resident: Any  # requester, lives in grid1a
    neighbour: Any  # another resident of grid1a
    grid_worker: Any  # grid1a
    other_grid_worker: Any  # grid2a (other district)
    grid_leader: Any  # community1
    dispatcher: Any  # subdistrict1
    other_dispatcher: Any  # subdistrict2
    leader: Any  # city
    admin: Any  # city
    volunteer: Any  # responder in community1
    other_volunteer: Any  # responder in community2
    merchant: Any  # responder (merchant) in community1
    department_staff: Any  # member of `unit`
    unit: Organization  # a department serving district 1


def _role(user: Any, role: str, region: Region, kind: str = "") -> None:
    RoleFactory(user=user, role=role, region=region, responder_kind=kind)


@pytest.fixture
def cast(city_tree: dict[str, Region]) -> Cast:
    t = city_tree

    def person(role: str, region: Region, kind: str = "", name: str = "") -> Any:
        user = UserFactory(**({"name": name} if name else {}))
        _role(user, role, region, kind)
        return user

    unit = Organization.objects.create(
        name="淇滨区市政管理处", kind=Organization.Kind.DEPARTMENT, service_area=t["district1"]
    )
    staff = person(Role.RESPONDER, t["district1"], "department", "市政张工")
    OrganizationMembership.objects.create(organization=unit, user=staff, is_manager=True)
    return Cast(
        tree=t,
        resident=person(Role.RESIDENT, t["grid1a"], name="王小红"),
        neighbour=person(Role.RESIDENT, t["grid1a"], name="李大爷"),
        grid_worker=person(Role.GRID_WORKER, t["grid1a"], name="网格员刘"),
        other_grid_worker=person(Role.GRID_WORKER, t["grid2a"], name="网格员赵"),
        grid_leader=person(Role.GRID_LEADER, t["community1"], name="网格长陈"),
        dispatcher=person(Role.DISPATCHER, t["subdistrict1"], name="值班长孙"),
        other_dispatcher=person(Role.DISPATCHER, t["subdistrict2"], name="值班长周"),
        leader=person(Role.LEADER, t["city"], name="领导吴"),
        admin=person(Role.ADMIN, t["city"], name="管理员郑"),
        volunteer=person(Role.RESPONDER, t["community1"], "volunteer", "志愿者钱"),
        other_volunteer=person(Role.RESPONDER, t["community2"], "volunteer", "志愿者冯"),
        merchant=person(Role.RESPONDER, t["community1"], "merchant", "商家褚"),
        department_staff=staff,
        unit=unit,
    )


@pytest.fixture
def incident_category():
    return CategoryFactory(responder_kinds=["department", "volunteer"])


@pytest.fixture
def service_category():
    return ServiceCategoryFactory()


@pytest.fixture
def make_order(cast: Cast, incident_category):
    """make_order(**overrides) → a reported resident order in grid1a."""

    def make(**overrides: Any) -> WorkOrder:
        lng, lat = centre(cast.tree["grid1a"])
        values: dict[str, Any] = {
            "source": Source.RESIDENT,
            "category": incident_category,
            "description": "小区门口有车辆长期占用人行道",
            "lng": lng,
            "lat": lat,
            "reporter": cast.resident,
            "address": "九州路 18 号",
        }
        values.update(overrides)
        return create_order(**values)

    return make
