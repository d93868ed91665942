"""Hand-built renovation records with known figures, on the project's city_tree."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.renewal.models import SmartFacility, Stage, StreetProject
from linli.renewal.services import alleys, content, facilities, merges, pool, projects
from linli.territory.tests.factories import CourtyardFactory, EstateFactory


def set_stage(participation, stage, **dates):  # type: ignore[no-untyped-def]
    projects.set_stage_record(participation=participation, stage=stage, dates=dates, actor=None)


def build_estates(t):  # type: ignore[no-untyped-def]
    """The territory the records sit on: four estates and two family courtyards."""
    e = {
        "a": EstateFactory(
            grid=t["grid2a"], code="SC-A", name="朝阳小区", households=100, floor_area_m2=10000
        ),
        "b": EstateFactory(
            grid=t["grid2a"], code="SC-B", name="红旗小区", households=200, floor_area_m2=15000
        ),
        "c": EstateFactory(
            grid=t["grid2b"], code="SC-C", name="新华小区", households=300, floor_area_m2=30000
        ),
        "d": EstateFactory(
            grid=t["grid1a"], code="QB-D", name="九州小区", households=50, floor_area_m2=4000
        ),
        "old1": EstateFactory(
            grid=t["grid2a"], code="SC-Y1", name="纸箱厂宿舍", households=40, floor_area_m2=3000
        ),
        "old2": EstateFactory(
            grid=t["grid2b"], code="SC-Y2", name="建行宿舍", households=60, floor_area_m2=5000
        ),
    }
    CourtyardFactory(estate=e["old1"], name="纸箱厂家属院", households=40)
    CourtyardFactory(estate=e["old2"], name="建设银行家属院", households=60)
    return e


@pytest.fixture
def renewal_city(city_tree):  # type: ignore[no-untyped-def]
    """淇滨区 (district1): project QB-1 (2020) with one accepted estate.
    山城区 (district2): project SC-1 (2021) with a started, a completed and a planned estate.
    Two courtyards merged into SC-1's started estate; facilities; four alleys."""
    t = city_tree
    e = build_estates(t)
    merges.merge_courtyards(
        target=e["a"],
        courtyards=[*e["old1"].courtyards.all(), *e["old2"].courtyards.all()],
        method="small_into_large",
        walls_removed=3,
        merged_on=date(2021, 5, 1),
        actor=None,
    )
    sc = projects.create_project(
        code="SC-1",
        name="山城区2021年第一批",
        district=t["district2"],
        batch_year=2021,
        budget_yuan=Decimal("3000000"),
        actor=None,
        estates=[e["a"], e["b"], e["c"]],
        funding={"central": Decimal("2000000"), "local": Decimal("1000000")},
    )
    projects.record_investment(project=sc, investment_yuan=Decimal("2500000"), actor=None)
    a, b, c = (sc.estates.get(estate=e[k]) for k in "abc")
    set_stage(a, Stage.STARTED, started_on=date(2021, 6, 1))
    set_stage(b, Stage.COMPLETED, started_on=date(2021, 6, 1), completed_on=date(2021, 11, 1))
    set_stage(c, Stage.PLANNED, planned_on=date(2021, 3, 1))
    qb = projects.create_project(
        code="QB-1",
        name="淇滨区2020年",
        district=t["district1"],
        batch_year=2020,
        budget_yuan=Decimal("800000"),
        actor=None,
        estates=[e["d"]],
    )
    projects.record_investment(project=qb, investment_yuan=Decimal("750000.50"), actor=None)
    set_stage(
        qb.estates.get(),
        Stage.ACCEPTED,
        started_on=date(2020, 4, 1),
        completed_on=date(2020, 9, 1),
        accepted_on=date(2020, 10, 1),
    )
    kinds = SmartFacility.Kind
    for estate, kind in [
        (e["a"], kinds.ACCESS_CONTROL),
        (e["a"], kinds.ACCESS_CONTROL),
        (e["b"], kinds.ACCESS_CONTROL),
        (e["a"], kinds.SURVEILLANCE),
        (e["d"], kinds.FACE_RECOGNITION),
    ]:
        facilities.register_facility(
            estate=estate, kind=kind, installed_on=date(2021, 10, 1), actor=None
        )
    gone = facilities.register_facility(
        estate=e["d"], kind=kinds.SURVEILLANCE, installed_on=date(2020, 10, 1), actor=None
    )
    facilities.update_facility(
        facility=gone, installed_on=gone.installed_on, device_count=1, is_active=False, actor=None
    )
    this_year = timezone.localdate().year
    stage = StreetProject.Stage
    for name, district, st, demo, cohort in [
        ("走马塘巷", "district2", stage.COMPLETED, True, 2021),
        ("食字街", "district1", stage.COMPLETED, True, this_year),
        ("海棠西巷", "district1", stage.IN_PROGRESS, False, this_year),
        ("新华巷", "district2", stage.PLANNED, False, this_year),
    ]:
        alleys.create_alley(
            name=name,
            district=t[district],
            cohort_year=cohort,
            stage=st,
            is_demonstration=demo,
            started_on=date(cohort, 1, 2) if st != stage.PLANNED else None,
            completed_on=date(cohort, 1, 3) if st == stage.COMPLETED else None,
            actor=None,
        )
    content.add_item(
        project=sc,
        estate=e["a"],
        tier="improve",
        name="车棚",
        quantity=Decimal(2),
        unit="处",
        actor=None,
    )
    content.add_item(
        project=sc, tier="basic", name="雨污管网", quantity=Decimal("1.2"), unit="km", actor=None
    )
    pool.record_survey(
        estate=e["c"],
        surveyed_on=date(2020, 12, 1),
        actor=None,
        defects=[("roof", "serious", ""), ("drainage", "urgent", "")],
    )
    projects.set_property_after(participation=b, mode="red", company=None, actor=None)
    return {"tree": t, "estates": e, "sc": sc, "qb": qb}


@pytest.fixture
def bureau_staff(make_user, city_tree):  # type: ignore[no-untyped-def]
    return make_user(Role.PROGRAMME_STAFF, city_tree["city"], name="住建局干部")


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """Service messages are asserted in English; pages are checked in Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Users are made by the dozen here; real password hashing would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
