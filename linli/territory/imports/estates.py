"""Estates from Excel: sheet 小区 (one row per estate, in a grid), and optionally 楼院
(courtyards) and 楼栋 (buildings) naming their estate by code. Estates are matched by
code, courtyards by estate and name, buildings by estate and number: a re-import
updates them in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import User
from linli.lib.ledger import (
    Column,
    ImportFailed,
    ImportProblem,
    ParsedRow,
    SheetSpec,
    parse_decimal,
    parse_non_negative_int,
    read_workbook,
)
from linli.territory.imports.base import (
    ImportKind,
    ImportSummary,
    Tally,
    Tracker,
    audit_import,
    no_tracking,
)
from linli.territory.imports.cells import parse_labels, parse_plain_code, parse_text, parse_year
from linli.territory.imports.writing import clean_for_bulk, insert, update
from linli.territory.models import Building, Courtyard, Estate, Region

ESTATES, COURTYARDS, BUILDINGS = "小区", "楼院", "楼栋"
PROPERTY_MODES = {
    "专业物业": Estate.PropertyMode.PROFESSIONAL,
    "红色物业": Estate.PropertyMode.RED,
    "居民自管": Estate.PropertyMode.SELF_MANAGED,
    "无物业": Estate.PropertyMode.NONE,
}

ESTATE_SPEC = SheetSpec(
    ESTATES,
    (
        Column("code", "小区编码", parse_plain_code, example="QB-0001"),
        Column("name", "小区名称", parse_text(100), example="朝阳小区"),
        Column("grid", "所属网格编码", parse_plain_code, example="410611001001G01"),
        Column("address", "地址", parse_text(200), required=False, example="淇滨区朝阳路12号"),
        Column("build_year", "建成年份", parse_year, required=False, example=1995),
        Column("building_count", "楼栋数", parse_non_negative_int, required=False, example=6),
        Column("households", "户数", parse_non_negative_int, required=False, example=240),
        Column("floor_area_m2", "建筑面积", parse_decimal, required=False, example=18000),
        Column(
            "property_mode",
            "物业模式",
            parse_labels(PROPERTY_MODES),
            required=False,
            example="红色物业",
        ),
    ),
)
COURTYARD_SPEC = SheetSpec(
    COURTYARDS,
    (
        Column("estate", "小区编码", parse_plain_code, example="QB-0001"),
        Column("name", "楼院名称", parse_text(100), example="纺织厂家属院"),
        Column("build_year", "建成年份", parse_year, required=False, example=1988),
        Column("households", "户数", parse_non_negative_int, required=False, example=96),
    ),
)
BUILDING_SPEC = SheetSpec(
    BUILDINGS,
    (
        Column("estate", "小区编码", parse_plain_code, example="QB-0001"),
        Column("number", "楼栋号", parse_text(20), example="1号楼"),
        Column("courtyard", "楼院名称", parse_text(100), required=False, example="纺织厂家属院"),
        Column("floors", "层数", parse_non_negative_int, required=False, example=6),
        Column("units", "单元数", parse_non_negative_int, required=False, example=3),
        Column("households", "户数", parse_non_negative_int, required=False, example=36),
    ),
)
SPECS = (ESTATE_SPEC, COURTYARD_SPEC, BUILDING_SPEC)

ESTATE_FIELDS = (
    "name",
    "address",
    "build_year",
    "building_count",
    "households",
    "floor_area_m2",
    "property_mode",
)


@dataclass
class EstatePlan:
    estates: list[ParsedRow]
    courtyards: list[ParsedRow]
    buildings: list[ParsedRow]
    grids: dict[str, Region]
    stored: dict[str, Estate]
    stored_courtyards: dict[tuple[int, str], Courtyard] = field(default_factory=dict)
    stored_buildings: dict[tuple[int, str], Building] = field(default_factory=dict)
    # Keys on rows refused cell by cell: rows that refer to them are not refused again.
    unreadable: set[Any] = field(default_factory=set)


def read_estates(data: BinaryIO) -> EstatePlan:
    """Parse and check the workbook. Raises ImportFailed listing every problem."""
    result = read_workbook(data, SPECS, required_sheets=[ESTATES])
    problems = result.problems
    bad = {(p.sheet, p.row) for p in problems}

    def clean_rows(sheet: str) -> list[ParsedRow]:
        return [r for r in result.rows.get(sheet, []) if (sheet, r.row) not in bad]

    plan = EstatePlan(
        estates=clean_rows(ESTATES),
        courtyards=clean_rows(COURTYARDS),
        buildings=clean_rows(BUILDINGS),
        grids={},
        stored={},
    )
    for sheet, key in ((ESTATES, "code"), (COURTYARDS, "name")):
        for row in result.rows.get(sheet, []):
            if (sheet, row.row) in bad:
                estate = row.values.get("estate")
                plan.unreadable.add(
                    (estate, row.values.get(key)) if estate else row.values.get(key)
                )
    if plan.estates or plan.courtyards or plan.buildings:
        problems.extend(_check(plan))
    elif not problems:
        problems.append(ImportProblem(ESTATES, None, None, _("The sheet holds no rows.")))
    if problems:
        order = {ESTATES: 0, COURTYARDS: 1, BUILDINGS: 2}
        raise ImportFailed(sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0)))
    return plan


def _duplicates(
    rows: list[ParsedRow], key: Any, sheet: str, column: str, problems: list[ImportProblem]
) -> None:
    seen: dict[Any, int] = {}
    for row in rows:
        k = key(row.values)
        if k in seen:
            problems.append(
                ImportProblem(sheet, row.row, column, _("Repeats row %(row)d.") % {"row": seen[k]})
            )
        else:
            seen[k] = row.row


def _check(plan: EstatePlan) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    _duplicates(plan.estates, lambda v: v["code"], ESTATES, "小区编码", problems)
    _duplicates(
        plan.courtyards, lambda v: (v["estate"], v["name"]), COURTYARDS, "楼院名称", problems
    )
    _duplicates(plan.buildings, lambda v: (v["estate"], v["number"]), BUILDINGS, "楼栋号", problems)

    grid_codes = {r.values["grid"] for r in plan.estates}
    plan.grids = {g.code: g for g in Region.objects.filter(code__in=grid_codes)}
    for row in plan.estates:
        grid = plan.grids.get(row.values["grid"])
        if grid is None:
            message = _("No grid has the code %(code)s.") % {"code": row.values["grid"]}
        elif not grid.is_grid:
            message = _("%(name)s is a %(level)s, not a grid.") % {
                "name": grid.name,
                "level": grid.get_level_display(),
            }
        else:
            continue
        problems.append(ImportProblem(ESTATES, row.row, "所属网格编码", message))

    in_file = {r.values["code"] for r in plan.estates}
    referenced = {r.values["estate"] for r in plan.courtyards + plan.buildings}
    plan.stored = {
        e.code: e
        for e in Estate.objects.filter(code__in=in_file | referenced).select_related("grid")
    }
    for sheet, rows in ((COURTYARDS, plan.courtyards), (BUILDINGS, plan.buildings)):
        for row in rows:
            code = row.values["estate"]
            if code not in in_file and code not in plan.stored and code not in plan.unreadable:
                problems.append(
                    ImportProblem(
                        sheet,
                        row.row,
                        "小区编码",
                        _("No estate has the code %(code)s, in this file or stored.")
                        % {"code": code},
                    )
                )
    estate_ids = [e.pk for e in plan.stored.values()]
    plan.stored_courtyards = {
        (c.estate_id, c.name): c for c in Courtyard.objects.filter(estate_id__in=estate_ids)
    }
    plan.stored_buildings = {
        (b.estate_id, b.number): b for b in Building.objects.filter(estate_id__in=estate_ids)
    }
    courtyards_in_file = {(r.values["estate"], r.values["name"]) for r in plan.courtyards}
    codes_by_pk = {e.pk: code for code, e in plan.stored.items()}
    stored_names = {(codes_by_pk[eid], name) for (eid, name) in plan.stored_courtyards}
    known = courtyards_in_file | stored_names | plan.unreadable
    for row in plan.buildings:
        name = row.values["courtyard"]
        key = (row.values["estate"], name)
        if name and key not in known and row.values["estate"] not in plan.unreadable:
            problems.append(
                ImportProblem(
                    BUILDINGS,
                    row.row,
                    "楼院名称",
                    _("The estate %(estate)s has no courtyard named %(name)s.")
                    % {"estate": row.values["estate"], "name": name},
                )
            )
    return problems


def _fill(obj: Any, values: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Set the given non-empty values on obj; whether anything changed."""
    changed = False
    for name in fields:
        value = values.get(name)
        if value is not None and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def write_estates(
    plan: EstatePlan, *, actor: User | None, track: Tracker = no_tracking, source: str = ""
) -> ImportSummary:
    tallies = {
        "estates": Tally(gettext_lazy("estates")),
        "courtyards": Tally(gettext_lazy("courtyards")),
        "buildings": Tally(gettext_lazy("buildings")),
    }
    with transaction.atomic():
        estates = _write_estates(plan, tallies["estates"], track)
        courtyards = _write_courtyards(plan, estates, tallies["courtyards"], track)
        _write_buildings(plan, estates, courtyards, tallies["buildings"], track)
        summary = ImportSummary(kind=ImportKind.ESTATES, tallies=list(tallies.values()))
        paths = [g.path for g in plan.grids.values()] or [e.grid.path for e in plan.stored.values()]
        audit_import(actor=actor, summary=summary, paths=paths, source=source)
    return summary


def _write_estates(plan: EstatePlan, tally: Tally, track: Tracker) -> dict[str, Estate]:
    estates = dict(plan.stored)
    new: list[Estate] = []
    changed: list[Estate] = []
    for row in track(plan.estates, str(_("estates"))):
        v = row.values
        grid = plan.grids[v["grid"]]
        estate = plan.stored.get(v["code"])
        if estate is None:
            estate = Estate(code=v["code"], grid=grid)
            _fill(estate, v, ESTATE_FIELDS)
            new.append(estate)
        elif _fill(estate, v, ESTATE_FIELDS) | (estate.grid_id != grid.pk):
            estate.grid = grid
            changed.append(estate)
        else:
            tally.unchanged += 1
            continue
        clean_for_bulk(estate, foreign_keys=["grid", "property_company"])
        estates[estate.code] = estate
    insert(new, Estate)
    update(changed, [*ESTATE_FIELDS, "grid"])
    tally.created, tally.updated = len(new), len(changed)
    return estates


def _write_courtyards(
    plan: EstatePlan, estates: dict[str, Estate], tally: Tally, track: Tracker
) -> dict[tuple[str, str], Courtyard]:
    courtyards = {
        (code, name): c
        for code, estate in estates.items()
        for (eid, name), c in plan.stored_courtyards.items()
        if eid == estate.pk
    }
    new: list[Courtyard] = []
    changed: list[Courtyard] = []
    fields = ("build_year", "households")
    for row in track(plan.courtyards, str(_("courtyards"))):
        v = row.values
        key = (v["estate"], v["name"])
        courtyard = courtyards.get(key)
        if courtyard is None:
            courtyard = Courtyard(estate=estates[v["estate"]], name=v["name"])
            _fill(courtyard, v, fields)
            new.append(courtyard)
        elif _fill(courtyard, v, fields):
            changed.append(courtyard)
        else:
            tally.unchanged += 1
            continue
        clean_for_bulk(courtyard, foreign_keys=["estate"])
        courtyards[key] = courtyard
    insert(new, Courtyard)
    update(changed, list(fields))
    tally.created, tally.updated = len(new), len(changed)
    return courtyards


def _write_buildings(
    plan: EstatePlan,
    estates: dict[str, Estate],
    courtyards: dict[tuple[str, str], Courtyard],
    tally: Tally,
    track: Tracker,
) -> None:
    new: list[Building] = []
    changed: list[Building] = []
    fields = ("floors", "units", "households")
    for row in track(plan.buildings, str(_("buildings"))):
        v = row.values
        estate = estates[v["estate"]]
        courtyard = courtyards[(v["estate"], v["courtyard"])] if v["courtyard"] else None
        building = plan.stored_buildings.get((estate.pk, v["number"]))
        if building is None:
            building = Building(estate=estate, number=v["number"], courtyard=courtyard)
            _fill(building, v, fields)
            new.append(building)
        elif _fill(building, v, fields) | (
            courtyard is not None and building.courtyard_id != courtyard.pk
        ):
            if courtyard is not None:
                building.courtyard = courtyard
            changed.append(building)
        else:
            tally.unchanged += 1
            continue
        clean_for_bulk(building, foreign_keys=["estate", "courtyard"])
    insert(new, Building)
    update(changed, [*fields, "courtyard"])
    tally.created, tally.updated = len(new), len(changed)
