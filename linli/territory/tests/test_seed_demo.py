"""The demo city generator and the demo_accounts command."""

import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from shapely.geometry import shape

from linli.accounts.models import DemoLogin, Organization, ResponderKind, Role, RoleAssignment, User
from linli.lib.idcard import validate_id_number
from linli.lib.phone import is_mobile
from linli.territory import demo
from linli.territory.demo import Scale
from linli.territory.models import Building, Estate, Region, Resident, TerritoryVersion

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _seed(*args: str) -> None:
    call_command("seed_demo", "--scale", "small", *args, stdout=StringIO())


def _snapshot() -> dict[str, list]:
    return {
        "regions": list(Region.objects.order_by("code").values_list("code", "name", "geometry")),
        "users": list(User.objects.order_by("phone").values_list("phone", "name")),
        "estates": list(Estate.objects.order_by("code").values_list("code", "name", "build_year")),
        "residents": list(
            Resident.objects.order_by("id_number").values_list("id_number", "name", "phone")
        ),
        "organisations": list(
            Organization.objects.order_by("kind", "name").values_list("name", "credit_code")
        ),
    }


def _snapshot_of_run(*args: str) -> dict[str, list]:
    """Seed inside a transaction that is rolled back, so the next run starts empty."""
    try:
        with transaction.atomic():
            _seed(*args)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


@pytest.fixture
def small_city(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    _seed()
    return Region.objects.get(level=Region.Level.CITY)


def test_same_seed_gives_the_same_city(settings) -> None:
    settings.DEBUG = True

    first, second = _snapshot_of_run("--seed", "5"), _snapshot_of_run("--seed", "5")

    assert first == second
    assert len(first["regions"]) > 30 and len(first["residents"]) > 100


def test_another_seed_gives_another_city_with_the_same_demo_logins(settings) -> None:
    settings.DEBUG = True

    first, second = _snapshot_of_run("--seed", "1"), _snapshot_of_run("--seed", "2")

    assert first["users"] != second["users"]
    demo_phones = {f"186000000{n:02d}" for n in range(1, 13)}
    assert demo_phones <= {p for p, _ in first["users"]}
    assert [u for u in first["users"] if u[0] in demo_phones] == [
        u for u in second["users"] if u[0] in demo_phones
    ]


def test_the_city_has_real_divisions_and_generated_grids(small_city) -> None:
    assert small_city.code == "410600000000" and small_city.name == "鹤壁市"
    districts = set(small_city.children.values_list("name", flat=True))
    assert {"淇滨区", "山城区", "鹤山区", "浚县", "淇县"} <= districts
    subdistricts = set(Region.objects.filter(level=3).values_list("name", flat=True))
    assert {"九州路街道", "黎阳路街道", "中山北路街道"} <= subdistricts
    community = Region.objects.get(code="410611002001")
    assert community.name == "桂鹤社区" and community.kind == Region.Kind.COMMUNITY
    assert Region.objects.get(code="410622101200").kind == Region.Kind.VILLAGE
    for region in Region.objects.divisions():
        assert len(region.code) == 12 and region.code.isdigit()
    grids = list(Region.objects.grids().select_related("parent"))
    assert 15 <= len(grids) <= 60
    for grid in grids:
        assert grid.code[:12] == grid.parent.code and len(grid.code) == 15
        assert grid.path == f"{grid.parent.path}{grid.pk}/"
        assert grid.households > 0 and grid.population > grid.households


def test_grids_tessellate_inside_their_communities_without_overlap(small_city) -> None:
    grids = list(Region.objects.grids().select_related("parent"))
    shapes = [shape(g.geometry) for g in grids]

    assert all(s.is_valid for s in shapes)
    assert shapely.union_all(shapes).area == pytest.approx(sum(s.area for s in shapes))
    for grid, polygon in zip(grids, shapes, strict=True):
        assert shape(grid.parent.geometry).buffer(1e-9).contains(polygon)
        lng, lat = polygon.representative_point().coords[0]
        assert 113.5 < lng < 115.0 and 35.2 < lat < 36.4
        assert grid.centroid_lng is not None


def test_every_role_and_responder_kind_is_held_and_every_grid_has_one_worker(small_city) -> None:
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    kinds = set(RoleAssignment.objects.values_list("responder_kind", flat=True)) - {""}

    assert roles == set(Role.values)
    assert kinds == set(ResponderKind.values)
    for grid in Region.objects.grids():
        assert grid.role_assignments.filter(role=Role.GRID_WORKER).count() == 1
    leader_levels = set(
        RoleAssignment.objects.filter(role=Role.LEADER).values_list("region__level", flat=True)
    )
    assert {Region.Level.CITY, Region.Level.DISTRICT} <= leader_levels
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)


def test_generated_people_and_estates_are_valid(small_city) -> None:
    assert all(is_mobile(p) for p in User.objects.values_list("phone", flat=True))
    residents = list(Resident.objects.all())
    for resident in residents:
        validate_id_number(resident.id_number)
        assert resident.phone == "" or is_mobile(resident.phone)
    for model in (Resident, Estate, Building, User):
        for row in model.objects.all()[:50]:
            row.full_clean(exclude=["password"])
    estates = Estate.objects.all()
    assert any(e.build_year < 2000 for e in estates)
    assert all(e.households == sum(b.households for b in e.buildings.all()) for e in estates)
    assert Resident.objects.filter(user__isnull=False).exists()
    assert TerritoryVersion.objects.get(pk=1).version >= 1


def test_demo_logins_are_one_per_role_and_kind_and_can_log_in(small_city, client) -> None:
    logins = list(DemoLogin.objects.select_related("user"))

    assert {(d.role, d.responder_kind) for d in logins} == {
        (r, "") for r in Role.values if r != Role.RESPONDER
    } | {(Role.RESPONDER, k) for k in ResponderKind.values}
    demo = next(d for d in logins if d.role == Role.GRID_WORKER)
    assert demo.user.check_password(demo.password)
    assert client.login(phone=demo.user.phone, password=demo.password)


def test_demo_accounts_json_lists_every_login(small_city) -> None:
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)

    rows = json.loads(out.getvalue())

    assert len(rows) == 12
    assert {tuple(sorted(r)) for r in rows} == {
        ("kind", "name", "password", "phone", "region", "role")
    }
    worker = next(r for r in rows if r["role"] == "grid_worker")
    assert worker["phone"] == "18600000006" and worker["region"] == "桂鹤社区第1网格"
    assert {r["kind"] for r in rows if r["role"] == "responder"} == set(ResponderKind.values)


def test_demo_accounts_prints_a_table(small_city) -> None:
    out = StringIO()
    call_command("demo_accounts", stdout=out)

    assert "18600000001" in out.getvalue() and "鹤壁市" in out.getvalue()


def test_seeding_is_refused_in_production(settings) -> None:
    settings.DEBUG = False
    settings.DEMO_MODE = False

    with pytest.raises(CommandError):
        _seed()

    assert not Region.objects.exists()


def test_if_empty_leaves_a_loaded_city_alone_and_a_second_seed_is_refused(small_city) -> None:
    count = Region.objects.count()

    _seed("--if-empty")
    with pytest.raises(CommandError):
        _seed()

    assert Region.objects.count() == count


def test_grid_code_format_is_configurable(settings) -> None:
    settings.DEBUG = True

    _seed("--grid-code-format", "{community}-{seq:02d}")

    assert Region.objects.grids().filter(code="410611002001-01").exists()


def test_registered_steps_run_after_the_territory_with_their_own_rng(settings) -> None:
    settings.DEBUG = True
    calls = []

    def step(*, rng, scale, city):  # type: ignore[no-untyped-def]
        calls.append((rng.random(), scale, city.code, Region.objects.grids().exists()))

    demo.register_demo_step("test-step", step, order=500)
    try:
        _seed()
    finally:
        demo._steps.pop("test-step")

    ((value, scale, code, had_grids),) = calls
    assert scale == Scale.SMALL and code == "410600000000" and had_grids
    assert value == demo.step_rng(1, "test-step").random()
