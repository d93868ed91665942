"""Back-alley projects (背街小巷): planned → in progress → completed."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.renewal.models import AlleyWorkOrder, StreetProject
from linli.territory.models import Region
from linli.workorders.models import WorkOrder

Stage = StreetProject.Stage
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PLANNED: frozenset({Stage.IN_PROGRESS}),
    Stage.IN_PROGRESS: frozenset({Stage.COMPLETED}),
    Stage.COMPLETED: frozenset(),
}
ALLEY_FIELDS = (
    "name",
    "district",
    "subdistrict",
    "is_demonstration",
    "cohort_year",
    "theme",
    "length_m",
    "description",
)


def _check(district: Region, subdistrict: Region | None, cohort_year: int) -> None:
    if district.level != Region.Level.DISTRICT:
        raise ValidationError({"district": _("Choose a district or county.")})
    if subdistrict is not None and (
        subdistrict.level != Region.Level.SUBDISTRICT or subdistrict.parent_id != district.pk
    ):
        raise ValidationError({"subdistrict": _("Choose a subdistrict of the district.")})
    if not 1990 <= cohort_year <= 2100:
        raise ValidationError({"cohort_year": _("Enter a year such as 2021.")})


def validate_alley_stage(
    stage: str, started_on: date | None, completed_on: date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if stage == Stage.PLANNED and (started_on or completed_on):
        errors["started_on"] = _("A planned alley has no start or completion date.")
    if stage in (Stage.IN_PROGRESS, Stage.COMPLETED) and started_on is None:
        errors["started_on"] = _("The stage is %(stage)s, so this date is required.") % {
            "stage": Stage(stage).label
        }
    if stage == Stage.COMPLETED and completed_on is None:
        errors["completed_on"] = _("The stage is %(stage)s, so this date is required.") % {
            "stage": Stage(stage).label
        }
    if stage != Stage.COMPLETED and completed_on is not None:
        errors["completed_on"] = _("Only a completed alley has a completion date.")
    for field, value in (("started_on", started_on), ("completed_on", completed_on)):
        if value is not None and value > today:
            errors[field] = _("The date cannot be in the future.")
    if started_on and completed_on and completed_on < started_on:
        errors["completed_on"] = _("It cannot be completed before it has started.")
    return errors


@transaction.atomic
def create_alley(
    *,
    name: str,
    district: Region,
    cohort_year: int,
    actor: User | None,
    subdistrict: Region | None = None,
    stage: str = Stage.PLANNED,
    is_demonstration: bool = False,
    theme: str = "",
    length_m: int | None = None,
    started_on: date | None = None,
    completed_on: date | None = None,
    description: str = "",
) -> StreetProject:
    _check(district, subdistrict, cohort_year)
    errors = validate_alley_stage(stage, started_on, completed_on)
    if errors:
        raise ValidationError(errors)
    if StreetProject.objects.filter(district=district, name=name).exists():
        raise ValidationError({"name": _("This district already has an alley with this name.")})
    alley = StreetProject(
        name=name,
        district=district,
        subdistrict=subdistrict,
        stage=stage,
        is_demonstration=is_demonstration,
        cohort_year=cohort_year,
        theme=theme,
        length_m=length_m,
        started_on=started_on,
        completed_on=completed_on,
        description=description,
        created_by=actor,
    )
    alley.full_clean()
    alley.save()
    record_audit(actor=actor, action="renewal.alley.create", target=alley, summary=name)
    return alley


@transaction.atomic
def update_alley(
    *,
    alley: StreetProject,
    actor: User | None,
    name: str,
    district: Region,
    cohort_year: int,
    subdistrict: Region | None = None,
    is_demonstration: bool = False,
    theme: str = "",
    length_m: int | None = None,
    description: str = "",
) -> StreetProject:
    _check(district, subdistrict, cohort_year)
    if StreetProject.objects.filter(district=district, name=name).exclude(pk=alley.pk).exists():
        raise ValidationError({"name": _("This district already has an alley with this name.")})
    alley.name, alley.district, alley.subdistrict = name, district, subdistrict
    alley.is_demonstration, alley.cohort_year, alley.theme = is_demonstration, cohort_year, theme
    alley.length_m, alley.description = length_m, description
    alley.full_clean()
    alley.save(update_fields=list(ALLEY_FIELDS))
    record_audit(actor=actor, action="renewal.alley.update", target=alley, summary=name)
    return alley


@transaction.atomic
def advance_alley(*, alley: StreetProject, to: str, on: date, actor: User | None) -> StreetProject:
    alley = StreetProject.objects.select_for_update().get(pk=alley.pk)
    if to not in TRANSITIONS[alley.stage]:
        if to == Stage.COMPLETED:
            message = _("It cannot be completed before it has started.")
        else:
            message = _("From %(current)s it can only move to the next stage.") % {
                "current": Stage(alley.stage).label
            }
        raise ValidationError({"stage": message})
    started = alley.started_on if to == Stage.COMPLETED else on
    completed = on if to == Stage.COMPLETED else None
    errors = validate_alley_stage(to, started, completed)
    if errors:
        raise ValidationError({"on": next(iter(errors.values()))})
    return _write_stage(alley, to, started, completed, actor, on=on)


@transaction.atomic
def set_alley_stage(
    *,
    alley: StreetProject,
    stage: str,
    started_on: date | None,
    completed_on: date | None,
    actor: User | None,
) -> StreetProject:
    """Set the stage and its dates at once, as a ledger import does."""
    errors = validate_alley_stage(stage, started_on, completed_on)
    if errors:
        raise ValidationError(errors)
    return _write_stage(alley, stage, started_on, completed_on, actor)


def _write_stage(
    alley: StreetProject,
    stage: str,
    started_on: date | None,
    completed_on: date | None,
    actor: User | None,
    on: date | None = None,
) -> StreetProject:
    """Save the stage with its dates, already checked, and audit the move (made `on` a day,
    or set outright)."""
    before = alley.stage
    alley.stage, alley.started_on, alley.completed_on = stage, started_on, completed_on
    alley.full_clean()
    alley.save(update_fields=["stage", "started_on", "completed_on"])
    record_audit(
        actor=actor,
        action="renewal.alley.stage",
        target=alley,
        summary=f"{alley.name}: {before} → {stage}" + (f" ({on.isoformat()})" if on else ""),
    )
    return alley


@transaction.atomic
def link_work_order(
    *, alley: StreetProject, order: WorkOrder, actor: User | None
) -> AlleyWorkOrder:
    """Keep a work order raised on the alley with it (its upkeep after renovation)."""
    if order.district_id != alley.district_id:
        raise ValidationError(
            {"order": _("Work order %(number)s is in another district.") % {"number": order.number}}
        )
    link, created = AlleyWorkOrder.objects.get_or_create(
        street=alley, work_order=order, defaults={"linked_by": actor}
    )
    if created:
        record_audit(
            actor=actor,
            action="renewal.alley.order",
            target=alley,
            summary=f"{alley.name} ← {order.number}",
        )
    return link
