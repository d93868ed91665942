"""The renovation figures, computed from the records every time (never stored totals).

Filters: a region (any division; estates count by the grid they lie in, projects by their
district or their estates, alleys by district or subdistrict) and a year. The year is the
annual batch of a project (its estates and investment follow it), the cohort of an alley,
the date of a merge and the install date of a facility.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.renewal.models import (
    MergedCourtyard,
    ProjectEstate,
    RenovationItem,
    RenovationProject,
    SmartFacility,
    Stage,
    StreetProject,
)
from linli.renewal.models.projects import COMPLETED_STAGES, STARTED_STAGES
from linli.territory.models import Region

SUMMARY_KEYS = (
    "estates_started",
    "estates_completed",
    "floor_area_m2",
    "investment_yuan",
    "households",
    "projects",
    "estates_in_projects",
    "courtyards_merged",
    "estates_with_access_control",
    "estates_with_surveillance",
    "alleys_demonstration",
    "alleys_completed",
    "alleys_in_progress",
    "alleys_new_this_year",
)


@dataclass(frozen=True)
class Scope:
    region: Region | None = None
    year: int | None = None

    @property
    def paths(self) -> list[str]:
        return [self.region.path] if self.region is not None else ["/"]


def _number(value: Decimal | int | None) -> float:
    return float(value or 0)


def participations(scope: Scope) -> QuerySet[ProjectEstate]:
    qs = ProjectEstate.objects.within_paths(scope.paths)
    if scope.year is not None:
        qs = qs.filter(project__batch_year=scope.year)
    return qs


def projects(scope: Scope) -> QuerySet[RenovationProject]:
    qs = RenovationProject.objects.all()
    if scope.region is not None:
        qs = qs.within_paths(scope.paths)
    if scope.year is not None:
        qs = qs.filter(batch_year=scope.year)
    return qs


def merged_courtyards(scope: Scope) -> QuerySet[MergedCourtyard]:
    qs = MergedCourtyard.objects.within_paths(scope.paths)
    if scope.year is not None:
        qs = qs.filter(merge__merged_on__year=scope.year)
    return qs


def facilities(scope: Scope) -> QuerySet[SmartFacility]:
    qs = SmartFacility.objects.active().within_paths(scope.paths)
    if scope.year is not None:
        qs = qs.filter(installed_on__year=scope.year)
    return qs


def alleys(scope: Scope) -> QuerySet[StreetProject]:
    qs = StreetProject.objects.within_paths(scope.paths)
    if scope.year is not None:
        qs = qs.filter(cohort_year=scope.year)
    return qs


def renovation_summary(scope: Scope) -> dict[str, Any]:
    """The seed's figures for a region and year, in base units (m², yuan, households)."""
    estates = participations(scope).aggregate(
        in_projects=Count("pk"),
        started=Count("pk", filter=Q(stage__in=STARTED_STAGES)),
        completed=Count("pk", filter=Q(stage__in=COMPLETED_STAGES)),
        area=Sum("estate__floor_area_m2", filter=Q(stage__in=STARTED_STAGES)),
        households=Sum("estate__households", filter=Q(stage__in=STARTED_STAGES)),
    )
    project_totals = projects(scope).aggregate(n=Count("pk"), investment=Sum("investment_yuan"))
    kinds = dict(
        facilities(scope)
        .filter(kind__in=[SmartFacility.Kind.ACCESS_CONTROL, SmartFacility.Kind.SURVEILLANCE])
        .values_list("kind")
        .annotate(n=Count("estate", distinct=True))
    )
    this_year = scope.year or timezone.localdate().year
    alley_totals = StreetProject.objects.within_paths(scope.paths).aggregate(
        demonstration=Count("pk", filter=_cohort(scope) & Q(is_demonstration=True)),
        completed=Count("pk", filter=_cohort(scope) & Q(stage=StreetProject.Stage.COMPLETED)),
        in_progress=Count("pk", filter=_cohort(scope) & Q(stage=StreetProject.Stage.IN_PROGRESS)),
        new=Count("pk", filter=Q(cohort_year=this_year, stage=StreetProject.Stage.COMPLETED)),
    )
    return {
        "estates_started": estates["started"],
        "estates_completed": estates["completed"],
        "floor_area_m2": _number(estates["area"]),
        "investment_yuan": _number(project_totals["investment"]),
        "households": estates["households"] or 0,
        "projects": project_totals["n"],
        "estates_in_projects": estates["in_projects"],
        "courtyards_merged": merged_courtyards(scope).count(),
        "estates_with_access_control": kinds.get(SmartFacility.Kind.ACCESS_CONTROL, 0),
        "estates_with_surveillance": kinds.get(SmartFacility.Kind.SURVEILLANCE, 0),
        "alleys_demonstration": alley_totals["demonstration"],
        "alleys_completed": alley_totals["completed"],
        "alleys_in_progress": alley_totals["in_progress"],
        "alleys_new_this_year": alley_totals["new"],
    }


def _cohort(scope: Scope) -> Q:
    return Q(cohort_year=scope.year) if scope.year is not None else Q()


# Breakdowns for the dashboard.


def _district_of_grid(city: Region) -> dict[int, int]:
    """grid id → district id, read from the materialised paths ("/city/district/…/grid/")."""
    mapping: dict[int, int] = {}
    for pk, path in Region.objects.within(city).grids().values_list("pk", "path"):
        ids = path.strip("/").split("/")
        if len(ids) > 1:
            mapping[pk] = int(ids[1])
    return mapping


def by_district(city: Region, year: int | None = None) -> list[dict[str, Any]]:
    """One row per district of the city, in a fixed number of queries."""
    scope = Scope(city, year)
    grid_district = _district_of_grid(city)
    rows: dict[int, dict[str, Any]] = {}
    for district in Region.objects.filter(parent=city).order_by("code"):
        rows[district.pk] = {
            "code": district.code,
            "name": district.name,
            "estates_started": 0,
            "estates_completed": 0,
            "floor_area_m2": 0.0,
            "households": 0,
            "projects": 0,
            "investment_yuan": 0.0,
            "courtyards_merged": 0,
            "access_control": 0,
            "surveillance": 0,
            "alleys_completed": 0,
            "alleys_in_progress": 0,
            "alleys_demonstration": 0,
        }
    estate_rows = (
        participations(scope)
        .values("estate__grid_id", "stage")
        .annotate(n=Count("pk"), area=Sum("estate__floor_area_m2"), hh=Sum("estate__households"))
    )
    for row in estate_rows:
        target = rows.get(grid_district.get(row["estate__grid_id"], 0))
        if target is None or row["stage"] not in STARTED_STAGES:
            continue
        target["estates_started"] += row["n"]
        target["floor_area_m2"] += _number(row["area"])
        target["households"] += row["hh"] or 0
        if row["stage"] in COMPLETED_STAGES:
            target["estates_completed"] += row["n"]
    for row in (
        projects(scope).values("district_id").annotate(n=Count("pk"), inv=Sum("investment_yuan"))
    ):
        if (target := rows.get(row["district_id"])) is not None:
            target["projects"] += row["n"]
            target["investment_yuan"] += _number(row["inv"])
    merged = (
        merged_courtyards(scope).values("merge__target_estate__grid_id").annotate(n=Count("pk"))
    )
    for row in merged:
        if (
            target := rows.get(grid_district.get(row["merge__target_estate__grid_id"], 0))
        ) is not None:
            target["courtyards_merged"] += row["n"]
    kinds = [SmartFacility.Kind.ACCESS_CONTROL, SmartFacility.Kind.SURVEILLANCE]
    facility_rows = (
        facilities(scope)
        .filter(kind__in=kinds)
        .values("estate__grid_id", "kind")
        .annotate(n=Count("estate", distinct=True))
    )
    for row in facility_rows:
        if (target := rows.get(grid_district.get(row["estate__grid_id"], 0))) is not None:
            target[row["kind"]] += row["n"]
    alley_rows = (
        alleys(scope).values("district_id", "stage", "is_demonstration").annotate(n=Count("pk"))
    )
    for row in alley_rows:
        if (target := rows.get(row["district_id"])) is None:
            continue
        if row["stage"] == StreetProject.Stage.COMPLETED:
            target["alleys_completed"] += row["n"]
        elif row["stage"] == StreetProject.Stage.IN_PROGRESS:
            target["alleys_in_progress"] += row["n"]
        if row["is_demonstration"]:
            target["alleys_demonstration"] += row["n"]
    return list(rows.values())


def by_stage(scope: Scope) -> list[dict[str, Any]]:
    estates = dict(participations(scope).values_list("stage").annotate(n=Count("pk")))
    project_counts = dict(projects(scope).values_list("stage").annotate(n=Count("pk")))
    return [
        {
            "stage": stage.value,
            "label": str(stage.label),
            "estates": estates.get(stage.value, 0),
            "projects": project_counts.get(stage.value, 0),
        }
        for stage in Stage
    ]


def by_year(scope: Scope) -> list[dict[str, Any]]:
    """Per annual batch: estates started and completed, floor area and investment; alleys
    completed per cohort."""
    years: dict[int, dict[str, Any]] = defaultdict(
        lambda: {
            "estates_started": 0,
            "estates_completed": 0,
            "floor_area_m2": 0.0,
            "investment_yuan": 0.0,
            "projects": 0,
            "alleys_completed": 0,
        }
    )
    estate_rows = (
        participations(scope)
        .filter(stage__in=STARTED_STAGES)
        .values("project__batch_year")
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=Q(stage__in=COMPLETED_STAGES)),
            area=Sum("estate__floor_area_m2"),
        )
    )
    for row in estate_rows:
        year = years[row["project__batch_year"]]
        year["estates_started"] = row["started"]
        year["estates_completed"] = row["completed"]
        year["floor_area_m2"] = _number(row["area"])
    for row in (
        projects(scope).values("batch_year").annotate(n=Count("pk"), inv=Sum("investment_yuan"))
    ):
        years[row["batch_year"]]["projects"] = row["n"]
        years[row["batch_year"]]["investment_yuan"] = _number(row["inv"])
    alley_rows = (
        alleys(scope)
        .filter(stage=StreetProject.Stage.COMPLETED)
        .values("cohort_year")
        .annotate(n=Count("pk"))
    )
    for row in alley_rows:
        years[row["cohort_year"]]["alleys_completed"] = row["n"]
    return [{"year": year, **values} for year, values in sorted(years.items())]


def map_points(scope: Scope, limit: int = 2000) -> list[dict[str, Any]]:
    """Estates in projects with a position (the estate's own, else its grid's centre)."""
    rows = participations(scope).values(
        "estate__code",
        "estate__name",
        "estate__lng",
        "estate__lat",
        "estate__grid__centroid_lng",
        "estate__grid__centroid_lat",
        "stage",
        "project__code",
    )[:limit]
    points = []
    for row in rows:
        lng = row["estate__lng"] or row["estate__grid__centroid_lng"]
        lat = row["estate__lat"] or row["estate__grid__centroid_lat"]
        if lng is None or lat is None:
            continue
        points.append(
            {
                "code": row["estate__code"],
                "name": row["estate__name"],
                "lng": lng,
                "lat": lat,
                "stage": row["stage"],
                "project": row["project__code"],
            }
        )
    return points


def scope_from_params(*, district: str | None, year: str | int | None) -> Scope:
    """Read ?district=<division code>&year= ; ValidationError with a message naming the field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    region = None
    if district:
        region = Region.objects.divisions().filter(code=district.strip()).first()
        if region is None:
            raise ValidationError(
                {"district": _("No division has the code %(code)s.") % {"code": district}}
            )
    number = None
    if year not in (None, ""):
        try:
            number = int(str(year))
        except ValueError:
            number = 0
        if not 1990 <= number <= 2100:
            raise ValidationError({"year": _("Enter a year such as 2021.")})
    return Scope(region, number)


def project_detail_context(project: RenovationProject) -> dict[str, Any]:
    """Everything the project page shows, in a fixed number of queries."""
    from linli.renewal.services.stages import next_stages

    estates = list(
        project.estates.select_related("estate__grid", "property_company_after").order_by(
            "estate__name"
        )
    )
    for participation in estates:
        participation.next_stages = next_stages(participation.stage)  # type: ignore[attr-defined]
    funding = list(project.funding.all())
    items = list(project.items.select_related("estate"))
    tiers = [
        {"tier": tier, "label": tier.label, "items": [i for i in items if i.tier == tier]}
        for tier in RenovationItem.Tier
    ]
    return {
        "project": project,
        "next_stages": next_stages(project.stage),
        "estates": estates,
        "estate_totals": {
            "households": sum(p.estate.households for p in estates),
            "floor_area_m2": sum(p.estate.floor_area_m2 for p in estates),
        },
        "funding": funding,
        "funding_total": sum((f.amount_yuan for f in funding), Decimal(0)),
        "tiers": tiers,
        "consultations": list(project.consultations.select_related("estate")),
        "bodies": list(
            project.governance_bodies.select_related("estate").prefetch_related("members")
        ),
        "stage_dates": [
            {"stage": stage, "label": label, "on": getattr(project, f"{stage.value}_on")}
            for stage, label in stage_date_labels().items()
        ],
    }


def estate_page_context(estate: Any, *, include_surveys: bool) -> dict[str, Any]:
    """An estate's renovation as its residents may see it; surveys only for offices."""
    participation = (
        ProjectEstate.objects.select_related("project", "property_company_after")
        .filter(estate=estate)
        .first()
    )
    project = participation.project if participation else None
    context: dict[str, Any] = {
        "estate": estate,
        "participation": participation,
        "project": project,
        "items": list(
            project.items.filter(Q(estate=estate) | Q(estate__isnull=True)).order_by("tier", "pk")
        )
        if project
        else [],
        "consultations": list(
            project.consultations.filter(Q(estate=estate) | Q(estate__isnull=True))
        )
        if project
        else [],
        "bodies": list(
            project.governance_bodies.filter(
                Q(estate=estate) | Q(estate__isnull=True)
            ).prefetch_related("members")
        )
        if project
        else [],
        "facilities": list(SmartFacility.objects.active().filter(estate=estate).order_by("kind")),
        "merged_in": list(
            MergedCourtyard.objects.filter(merge__target_estate=estate).select_related(
                "courtyard", "from_estate", "merge"
            )
        ),
        "merged_out": list(
            MergedCourtyard.objects.filter(from_estate=estate).select_related(
                "courtyard", "merge__target_estate"
            )
        ),
        "courtyards": list(estate.courtyards.order_by("name")),
        "surveys": [],
    }
    if include_surveys:
        context["surveys"] = list(estate.renewal_surveys.prefetch_related("defects")[:10])
    return context


def stage_date_labels() -> dict[Stage, str]:
    from django.utils.translation import gettext as _

    return {
        Stage.SURVEYED: _("Surveyed on"),
        Stage.PLANNED: _("Entered the annual plan on"),
        Stage.STARTED: _("Started on"),
        Stage.COMPLETED: _("Completed on"),
        Stage.ACCEPTED: _("Accepted on"),
    }
