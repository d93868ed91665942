"""Export the renovation ledger in the template's shape (re-importable as it is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from linli.lib.ledger import write_workbook
from linli.renewal.ledger import sheets as s
from linli.renewal.models import (
    EstateSurvey,
    MergedCourtyard,
    PoolEntry,
    ProjectEstate,
    RenovationItem,
    RenovationProject,
    SmartFacility,
    StreetProject,
)
from linli.territory.imports.estates import PROPERTY_MODES
from linli.territory.models import Estate, subtree_q


def _dates(record: Any) -> list[Any]:
    return [getattr(record, field) for field in s.DATE_COLUMNS]


def _projects(paths: list[str]) -> Iterator[list[Any]]:
    qs = (
        RenovationProject.objects.within_paths(paths)
        .select_related("district")
        .prefetch_related("funding")
    )
    for p in qs.order_by("code"):
        funding = {f.kind: f.amount_yuan for f in p.funding.all()}
        yield [
            p.code,
            p.name,
            p.district.code,
            p.batch_year,
            s.label_of(s.STAGE_LABELS, p.stage),
            *_dates(p),
            p.budget_yuan,
            *(funding.get(k) for k in s.FUNDING_COLUMNS),
            p.investment_yuan,
            p.description,
        ]


def _estates(paths: list[str]) -> Iterator[list[Any]]:
    pool = {e.estate_id: e for e in PoolEntry.objects.filter(estate__in=_estate_ids(paths))}
    parts = {
        p.estate_id: p for p in ProjectEstate.objects.within_paths(paths).select_related("project")
    }
    latest: dict[int, EstateSurvey] = {}
    surveys = EstateSurvey.objects.filter(estate_id__in=set(pool) | set(parts)).prefetch_related(
        "defects"
    )
    for each in surveys.order_by("surveyed_on", "pk"):
        latest[each.estate_id] = each
    for estate in Estate.objects.filter(pk__in=set(pool) | set(parts)).order_by("code"):
        entry, part, survey = pool.get(estate.pk), parts.get(estate.pk), latest.get(estate.pk)
        defects = (
            "、".join(s.label_of(s.DEFECT_LABELS, d.kind) for d in survey.defects.all())
            if survey
            else ""
        )
        yield [
            estate.code,
            estate.name,
            entry.added_on if entry else None,
            entry.planned_year if entry else None,
            survey.surveyed_on if survey else None,
            defects,
            part.project.code if part else None,
            s.label_of(s.STAGE_LABELS, part.stage) if part else None,
            *(_dates(part) if part else [None] * len(s.DATE_COLUMNS)),
            s.label_of(PROPERTY_MODES, part.property_mode_after)
            if part and part.property_mode_after
            else None,
        ]


def _estate_ids(paths: list[str]) -> QuerySet[Estate, Any]:
    return Estate.objects.filter(subtree_q(paths, "grid__path")).values("pk")


def _items(paths: list[str]) -> Iterator[list[Any]]:
    projects = RenovationProject.objects.within_paths(paths)
    qs = RenovationItem.objects.filter(project__in=projects).select_related("project", "estate")
    for item in qs.order_by("project__code", "pk"):
        yield [
            item.project.code,
            item.estate.code if item.estate else None,
            s.label_of(s.TIER_LABELS, item.tier),
            item.name,
            item.quantity,
            item.unit,
            item.note,
        ]


def _merges(paths: list[str]) -> Iterator[list[Any]]:
    qs = MergedCourtyard.objects.within_paths(paths).select_related(
        "merge__target_estate", "courtyard", "from_estate"
    )
    for row in qs.order_by("merge__merged_on", "merge_id", "pk"):
        merge = row.merge
        yield [
            f"M{merge.pk}",
            merge.target_estate.code,
            row.courtyard.name,
            row.from_estate.code,
            s.label_of(s.METHOD_LABELS, merge.method),
            merge.walls_removed,
            merge.merged_on,
        ]


def _facilities(paths: list[str]) -> Iterator[list[Any]]:
    qs = SmartFacility.objects.within_paths(paths).select_related("estate")
    for f in qs.order_by("estate__code", "kind", "device_key"):
        yield [
            f.estate.code,
            s.label_of(s.FACILITY_LABELS, f.kind),
            f.device_key,
            f.installed_on,
            f.device_count,
            "是" if f.is_active else "否",
        ]


def _alleys(paths: list[str]) -> Iterator[list[Any]]:
    qs = StreetProject.objects.within_paths(paths).select_related("district", "subdistrict")
    for a in qs.order_by("district__code", "name"):
        yield [
            a.name,
            a.district.code,
            a.subdistrict.code if a.subdistrict else None,
            s.label_of(s.ALLEY_STAGE_LABELS, a.stage),
            "是" if a.is_demonstration else "否",
            a.cohort_year,
            a.theme,
            a.length_m,
            a.started_on,
            a.completed_on,
        ]


def export_ledger(paths: list[str]) -> bytes:
    """Every renovation record inside `paths` (region paths; ["/"] for all)."""
    rows = {
        s.PROJECTS: _projects(paths),
        s.ESTATES: _estates(paths),
        s.ITEMS: _items(paths),
        s.MERGES: _merges(paths),
        s.FACILITIES: _facilities(paths),
        s.ALLEYS: _alleys(paths),
    }
    return write_workbook({spec.name: (spec.headers(), rows[spec.name]) for spec in s.SPECS})
