"""Projects and the estates bundled into them: creation, edits, stage moves, investment,
and the property mode an estate chooses after renovation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import Organization, User
from linli.accounts.services import record_audit
from linli.renewal.models import FundingSource, ProjectEstate, RenovationProject, Stage
from linli.renewal.models.projects import COMPLETED_STAGES, STAGE_DATE_FIELDS, STAGE_ORDER
from linli.renewal.services.stages import check_transition, stage_dates, validate_stage_dates
from linli.territory.models import Estate, Region, subtree_q

PROJECT_FIELDS = ("name", "district", "batch_year", "budget_yuan", "description")


def _check_district(district: Region) -> None:
    if district.level != Region.Level.DISTRICT:
        raise ValidationError({"district": _("Choose a district or county.")})


def _check_year(batch_year: int) -> None:
    if not 1990 <= batch_year <= 2100:
        raise ValidationError({"batch_year": _("Enter a year such as 2021.")})


def _set_funding(project: RenovationProject, funding: Mapping[str, Decimal]) -> None:
    for kind, amount in funding.items():
        if kind not in FundingSource.Kind.values:
            raise ValidationError(
                {"funding": _("Unknown funding source %(kind)s.") % {"kind": kind}}
            )
        if amount < 0:
            raise ValidationError({kind: _("An amount cannot be negative.")})
        if amount:
            FundingSource.objects.update_or_create(
                project=project, kind=kind, defaults={"amount_yuan": amount}
            )
        else:
            FundingSource.objects.filter(project=project, kind=kind).delete()


@transaction.atomic
def create_project(
    *,
    code: str,
    name: str,
    district: Region,
    batch_year: int,
    budget_yuan: Decimal,
    actor: User | None,
    funding: Mapping[str, Decimal] | None = None,
    description: str = "",
    estates: Iterable[Estate] = (),
    surveyed_on: date | None = None,
) -> RenovationProject:
    _check_district(district)
    _check_year(batch_year)
    if RenovationProject.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A project with this number already exists.")})
    project = RenovationProject(
        code=code,
        name=name,
        district=district,
        batch_year=batch_year,
        budget_yuan=budget_yuan,
        description=description,
        surveyed_on=surveyed_on,
        created_by=actor,
    )
    project.full_clean()
    project.save()
    _set_funding(project, funding or {})
    add_estates(project=project, estates=estates, actor=actor)
    record_audit(actor=actor, action="renewal.project.create", target=project, summary=str(project))
    return project


@transaction.atomic
def update_project(
    *,
    project: RenovationProject,
    actor: User | None,
    name: str,
    district: Region,
    batch_year: int,
    budget_yuan: Decimal,
    description: str = "",
    funding: Mapping[str, Decimal] | None = None,
) -> RenovationProject:
    _check_district(district)
    _check_year(batch_year)
    if (
        district != project.district
        and project.estates.exclude(subtree_q([district.path], "estate__grid__path")).exists()
    ):
        raise ValidationError(
            {"district": _("Some of the project's estates lie in another district.")}
        )
    before = {f: str(getattr(project, f)) for f in PROJECT_FIELDS}
    project.name, project.district, project.batch_year = name, district, batch_year
    project.budget_yuan, project.description = budget_yuan, description
    project.full_clean()
    project.save(update_fields=[*PROJECT_FIELDS, "updated_at"])
    if funding is not None:
        _set_funding(project, funding)
    after = {f: str(getattr(project, f)) for f in PROJECT_FIELDS}
    record_audit(
        actor=actor,
        action="renewal.project.update",
        target=project,
        summary=str(project),
        data={k: [before[k], after[k]] for k in PROJECT_FIELDS if before[k] != after[k]},
    )
    return project


@transaction.atomic
def record_investment(
    *, project: RenovationProject, investment_yuan: Decimal, actor: User | None
) -> RenovationProject:
    """Set the investment completed to date (完成投资), as the bureau reports it."""
    if investment_yuan < 0:
        raise ValidationError({"investment_yuan": _("An amount cannot be negative.")})
    before = project.investment_yuan
    project.investment_yuan = investment_yuan
    project.save(update_fields=["investment_yuan", "updated_at"])
    record_audit(
        actor=actor,
        action="renewal.project.investment",
        target=project,
        summary=f"{project.code}: {before} → {investment_yuan}",
    )
    return project


@transaction.atomic
def add_estates(
    *, project: RenovationProject, estates: Iterable[Estate], actor: User | None
) -> list[ProjectEstate]:
    """Bundle estates into the project (打捆). They start at the survey stage."""
    added = []
    for estate in estates:
        if not estate.grid.path.startswith(project.district.path):
            raise ValidationError(
                {
                    "estates": _("%(estate)s is not in %(district)s.")
                    % {"estate": estate.name, "district": project.district.name}
                }
            )
        other = ProjectEstate.objects.filter(estate=estate).select_related("project").first()
        if other is not None:
            if other.project_id == project.pk:
                continue
            raise ValidationError(
                {
                    "estates": _("%(estate)s is already in project %(project)s.")
                    % {"estate": estate.name, "project": other.project.code}
                }
            )
        participation = ProjectEstate(
            project=project, estate=estate, stage=Stage.SURVEYED, surveyed_on=project.surveyed_on
        )
        participation.full_clean()
        participation.save()
        added.append(participation)
        record_audit(
            actor=actor,
            action="renewal.estate.bundle",
            target=participation,
            summary=f"{project.code} + {estate.code} {estate.name}",
        )
    return added


@transaction.atomic
def remove_estate(*, participation: ProjectEstate, actor: User | None) -> None:
    if STAGE_ORDER[participation.stage] >= STAGE_ORDER[Stage.STARTED]:
        raise ValidationError(_("An estate whose renovation has started cannot leave the project."))
    record_audit(
        actor=actor,
        action="renewal.estate.unbundle",
        target=participation.project,
        summary=f"{participation.project.code} - {participation.estate.code}",
    )
    participation.delete()


@transaction.atomic
def advance_project(
    *, project: RenovationProject, to: str, on: date, actor: User | None
) -> RenovationProject:
    """Move a project one stage on. Completion needs every estate completed; acceptance
    (联合竣工验收) accepts the completed estates with it, on the same day."""
    project = RenovationProject.objects.select_for_update().get(pk=project.pk)
    check_transition(current=project.stage, to=to, dates=stage_dates(project), on=on)
    estates = list(project.estates.select_for_update().select_related("estate"))
    if to in COMPLETED_STAGES:
        if not estates:
            raise ValidationError({"stage": _("The project has no estates.")})
        unfinished = [p.estate.name for p in estates if p.stage not in COMPLETED_STAGES]
        if unfinished:
            raise ValidationError(
                {
                    "stage": _("These estates are not completed yet: %(names)s.")
                    % {"names": "、".join(unfinished[:10])}
                }
            )
        latest = max((p.completed_on for p in estates if p.completed_on), default=on)
        if on < latest:
            raise ValidationError(
                {
                    "on": _(
                        "The date cannot be before %(date)s, when the last estate was completed."
                    )
                    % {"date": latest.isoformat()}
                }
            )
    if to == Stage.ACCEPTED:
        for participation in estates:
            if participation.stage == Stage.COMPLETED:
                _move(participation, Stage.ACCEPTED, on, actor)
    _move(project, Stage(to), on, actor)
    return project


@transaction.atomic
def advance_estate(
    *, participation: ProjectEstate, to: str, on: date, actor: User | None
) -> ProjectEstate:
    participation = (
        ProjectEstate.objects.select_for_update()
        .select_related("project", "estate")
        .get(pk=participation.pk)
    )
    check_transition(current=participation.stage, to=to, dates=stage_dates(participation), on=on)
    project_rank = STAGE_ORDER[participation.project.stage]
    if to == Stage.STARTED and project_rank < STAGE_ORDER[Stage.PLANNED]:
        raise ValidationError(
            {"stage": _("The project must be in the annual plan before work starts.")}
        )
    _move(participation, Stage(to), on, actor)
    return participation


def _move(
    record: RenovationProject | ProjectEstate, to: Stage, on: date, actor: User | None
) -> None:
    before = record.stage
    field = STAGE_DATE_FIELDS[to]
    record.stage = to
    setattr(record, field, on)
    record.full_clean()
    record.save(update_fields=["stage", field])
    kind = "project" if isinstance(record, RenovationProject) else "estate"
    record_audit(
        actor=actor,
        action=f"renewal.{kind}.stage",
        target=record,
        summary=f"{record}: {before} → {to} ({on.isoformat()})",
        data={"from": before, "to": to.value, "on": on.isoformat()},
    )


@transaction.atomic
def set_stage_record(
    *,
    participation: ProjectEstate | RenovationProject,
    stage: str,
    dates: Mapping[str, date | None],
    actor: User | None,
) -> None:
    """Set a stage and all its dates at once, as a ledger import does; the dates must be
    consistent with the stage (validate_stage_dates)."""
    full = {f: dates.get(f) for f in STAGE_DATE_FIELDS.values()}
    errors = validate_stage_dates(stage, full)
    if errors:
        raise ValidationError(errors)
    before = participation.stage
    participation.stage = stage
    for field, value in full.items():
        setattr(participation, field, value)
    participation.full_clean()
    participation.save(update_fields=["stage", *full])
    record_audit(
        actor=actor,
        action="renewal.stage.set",
        target=participation,
        summary=f"{participation}: {before} → {stage}",
    )


@transaction.atomic
def set_property_after(
    *,
    participation: ProjectEstate,
    mode: str,
    company: Organization | None,
    actor: User | None,
) -> ProjectEstate:
    """Record how the estate is managed after renovation; the estate record follows."""
    if mode not in Estate.PropertyMode.values:
        raise ValidationError({"property_mode_after": _("Choose a property mode.")})
    if company is not None and company.kind != Organization.Kind.PROPERTY_COMPANY:
        raise ValidationError({"property_company_after": _("Choose a property company.")})
    participation.property_mode_after = mode
    participation.property_company_after = company
    participation.save(update_fields=["property_mode_after", "property_company_after"])
    estate = participation.estate
    estate.property_mode, estate.property_company = mode, company
    estate.save(update_fields=["property_mode", "property_company"])
    record_audit(
        actor=actor,
        action="renewal.estate.property_mode",
        target=participation,
        summary=f"{estate.code}: {mode}",
    )
    return participation
