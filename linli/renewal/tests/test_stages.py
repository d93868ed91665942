from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.accounts.models import AuditEntry
from linli.renewal.models import Stage
from linli.renewal.services import alleys, projects
from linli.renewal.services.stages import TRANSITIONS, validate_stage_dates
from linli.territory.tests.factories import EstateFactory


@pytest.fixture
def project(city_tree):
    estates = [EstateFactory(grid=city_tree["grid2a"]) for _ in range(2)]
    return projects.create_project(
        code="P-1",
        name="测试项目",
        district=city_tree["district2"],
        batch_year=2022,
        budget_yuan=Decimal(1_000_000),
        actor=None,
        estates=estates,
    )


def advance(record, to, on):
    if hasattr(record, "estates"):
        return projects.advance_project(project=record, to=to, on=on, actor=None)
    return projects.advance_estate(participation=record, to=to, on=on, actor=None)


def test_transition_table_moves_one_stage_at_a_time():
    order = list(Stage)
    for stage, allowed in TRANSITIONS.items():
        index = order.index(stage)
        assert allowed == (frozenset({order[index + 1]}) if index + 1 < len(order) else frozenset())


def test_estate_cannot_complete_before_it_starts(project):
    estate = project.estates.first()
    advance(project, Stage.PLANNED, date(2022, 1, 5))
    with pytest.raises(ValidationError, match="cannot be completed before it has started"):
        advance(estate, Stage.COMPLETED, date(2022, 2, 1))


def test_estate_cannot_be_accepted_before_completion(project):
    estate = project.estates.first()
    advance(project, Stage.PLANNED, date(2022, 1, 5))
    advance(estate, Stage.PLANNED, date(2022, 1, 5))
    advance(estate, Stage.STARTED, date(2022, 3, 1))
    with pytest.raises(ValidationError, match="only after it is completed"):
        advance(estate, Stage.ACCEPTED, date(2022, 4, 1))


def test_work_cannot_start_before_the_project_is_planned(project):
    estate = project.estates.first()
    advance(estate, Stage.PLANNED, date(2022, 1, 5))
    with pytest.raises(ValidationError, match="annual plan"):
        advance(estate, Stage.STARTED, date(2022, 2, 1))


def test_stage_date_cannot_precede_the_previous_one(project):
    estate = project.estates.first()
    advance(project, Stage.PLANNED, date(2022, 1, 5))
    advance(estate, Stage.PLANNED, date(2022, 1, 5))
    advance(estate, Stage.STARTED, date(2022, 3, 1))
    with pytest.raises(ValidationError, match="cannot be before 2022-03-01"):
        advance(estate, Stage.COMPLETED, date(2022, 2, 1))


def test_stage_date_cannot_be_in_the_future(project):
    with pytest.raises(ValidationError, match="future"):
        advance(project, Stage.PLANNED, timezone.localdate() + timedelta(days=1))


def test_project_completes_only_when_every_estate_has(project):
    first, second = project.estates.all()
    advance(project, Stage.PLANNED, date(2022, 1, 5))
    advance(project, Stage.STARTED, date(2022, 3, 1))
    for estate in (first, second):
        advance(estate, Stage.PLANNED, date(2022, 1, 5))
        advance(estate, Stage.STARTED, date(2022, 3, 1))
    advance(first, Stage.COMPLETED, date(2022, 9, 1))
    with pytest.raises(ValidationError, match="not completed yet"):
        advance(project, Stage.COMPLETED, date(2022, 10, 1))
    advance(second, Stage.COMPLETED, date(2022, 10, 1))
    with pytest.raises(ValidationError, match="last estate was completed"):
        advance(project, Stage.COMPLETED, date(2022, 9, 15))
    advance(project, Stage.COMPLETED, date(2022, 10, 2))
    advance(project, Stage.ACCEPTED, date(2022, 11, 1))
    assert set(project.estates.values_list("stage", "accepted_on")) == {
        (Stage.ACCEPTED, date(2022, 11, 1))
    }
    assert (
        AuditEntry.objects.filter(action="renewal.estate.stage", data__to="accepted").count() == 2
    )


def test_imported_stage_needs_consistent_dates():
    assert validate_stage_dates(
        Stage.COMPLETED, {"started_on": date(2021, 5, 1), "completed_on": date(2021, 4, 1)}
    ) == {"completed_on": "The date cannot be before 2021-05-01, the date of the previous stage."}
    assert "completed_on" in validate_stage_dates(Stage.COMPLETED, {"started_on": date(2021, 5, 1)})
    assert "accepted_on" in validate_stage_dates(
        Stage.STARTED, {"started_on": date(2021, 5, 1), "accepted_on": date(2021, 6, 1)}
    )
    assert validate_stage_dates(Stage.PLANNED, {}) == {}


def test_estate_belongs_to_one_project_at_a_time(project, city_tree):
    estate = project.estates.first().estate
    with pytest.raises(ValidationError, match="already in project P-1"):
        projects.create_project(
            code="P-2",
            name="另一个",
            district=city_tree["district2"],
            batch_year=2022,
            budget_yuan=Decimal(1),
            actor=None,
            estates=[estate],
        )


def test_estates_of_another_district_cannot_be_bundled(project, city_tree):
    other = EstateFactory(grid=city_tree["grid1a"])
    with pytest.raises(ValidationError, match="is not in"):
        projects.add_estates(project=project, estates=[other], actor=None)


def test_alley_moves_are_saved_with_their_dates_and_audited(city_tree):
    alley = alleys.create_alley(
        name="南锣鼓巷", district=city_tree["district2"], cohort_year=2022, actor=None
    )
    alleys.advance_alley(alley=alley, to="in_progress", on=date(2022, 3, 1), actor=None)
    alleys.advance_alley(alley=alley, to="completed", on=date(2022, 9, 30), actor=None)
    alley.refresh_from_db()
    assert (alley.stage, alley.started_on, alley.completed_on) == (
        "completed",
        date(2022, 3, 1),
        date(2022, 9, 30),
    )
    alleys.set_alley_stage(
        alley=alley, stage="in_progress", started_on=date(2022, 4, 1), completed_on=None, actor=None
    )
    alley.refresh_from_db()
    assert (alley.stage, alley.started_on, alley.completed_on) == (
        "in_progress",
        date(2022, 4, 1),
        None,
    )
    summaries = list(
        AuditEntry.objects.filter(action="renewal.alley.stage")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "南锣鼓巷: planned → in_progress (2022-03-01)",
        "南锣鼓巷: in_progress → completed (2022-09-30)",
        "南锣鼓巷: completed → in_progress",
    ]
