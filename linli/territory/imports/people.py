"""Residents from Excel (sheet 实有人口). ID numbers and mobile numbers are validated;
gender and birth date may be left empty when the ID number gives them, and must agree
with it when both are filled. A row may name 小区编码 / 楼栋 / 单元 / 房号 to attach the
person to a dwelling (created if the building has no such room yet).

A row with an ID number updates the resident with that number; a row without one
updates a resident of the same grid with the same name, mobile number and dwelling and
no ID number, so re-importing a file never duplicates people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
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
from linli.territory.imports.cells import (
    parse_date,
    parse_id_number,
    parse_labels,
    parse_phone,
    parse_plain_code,
    parse_text,
)
from linli.territory.imports.writing import clean_for_bulk, in_batches, insert, update
from linli.territory.models import Building, Dwelling, Estate, Region, Resident

SHEET = "实有人口"
GENDERS = {"男": Resident.Gender.MALE, "女": Resident.Gender.FEMALE}
RESIDENCIES = {
    "户籍": Resident.Residency.REGISTERED,
    "流动": Resident.Residency.MIGRANT,
    "户籍人口": Resident.Residency.REGISTERED,
    "流动人口": Resident.Residency.MIGRANT,
}

SPEC = SheetSpec(
    SHEET,
    (
        Column("name", "姓名", parse_text(50), example="张秀英"),
        Column("gender", "性别", parse_labels(GENDERS), required=False, example="女"),
        Column("birth_date", "出生日期", parse_date, required=False, example="1956-03-08"),
        Column(
            "id_number", "身份证号", parse_id_number, required=False, example="410611195603080021"
        ),
        Column("phone", "手机号", parse_phone, required=False, example="13803920000"),
        Column("residency", "户籍类型", parse_labels(RESIDENCIES), required=False, example="户籍"),
        Column("grid", "所属网格编码", parse_plain_code, example="410611001001G01"),
        Column("estate", "小区编码", parse_plain_code, required=False, example="QB-0001"),
        Column("building", "楼栋", parse_text(20), required=False, example="1号楼"),
        Column("unit", "单元", parse_text(10), required=False, example="2"),
        Column("room", "房号", parse_text(20), required=False, example="301"),
        Column("relation_to_head", "与户主关系", parse_text(20), required=False, example="户主"),
        Column("special_group", "特殊人群", parse_text(40), required=False, example=""),
    ),
)
RESIDENT_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "residency",
    "relation_to_head",
    "special_group",
)
DWELLING_COLUMNS = (("estate", "小区编码"), ("building", "楼栋"), ("room", "房号"))
CHUNK = 900  # ids per IN (…) query, under every backend's parameter limit


@dataclass
class PeoplePlan:
    rows: list[ParsedRow]
    grids: dict[str, Region] = field(default_factory=dict)
    buildings: dict[tuple[str, str], Building] = field(default_factory=dict)


def _from_id_number(id_number: str) -> tuple[str, date]:
    gender = Resident.Gender.MALE if int(id_number[16]) % 2 else Resident.Gender.FEMALE
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return gender, born


def read_people(data: BinaryIO) -> PeoplePlan:
    """Parse and check the sheet. Raises ImportFailed listing every problem."""
    result = read_workbook(data, [SPEC])
    problems = result.problems
    bad = {p.row for p in problems}
    plan = PeoplePlan(rows=[r for r in result.rows.get(SHEET, []) if r.row not in bad])
    if plan.rows:
        problems.extend(_check(plan))
    elif not problems:
        problems.append(ImportProblem(SHEET, None, None, _("The sheet holds no rows.")))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: p.row or 0))
    return plan


def _check_person(row: ParsedRow, problems: list[ImportProblem]) -> None:
    v = row.values
    v["residency"] = v["residency"] or Resident.Residency.REGISTERED
    if not v["id_number"]:
        if not v["gender"]:
            problems.append(
                ImportProblem(SHEET, row.row, "性别", _("Fill in the gender or the ID number."))
            )
        return
    gender, born = _from_id_number(v["id_number"])
    if v["gender"] and v["gender"] != gender:
        problems.append(
            ImportProblem(SHEET, row.row, "性别", _("The gender does not match the ID number."))
        )
    if v["birth_date"] and v["birth_date"] != born:
        problems.append(
            ImportProblem(
                SHEET, row.row, "出生日期", _("The birth date does not match the ID number.")
            )
        )
    v["gender"] = v["gender"] or gender
    v["birth_date"] = v["birth_date"] or born


def _check(plan: PeoplePlan) -> list[ImportProblem]:
    problems: list[ImportProblem] = []
    seen_ids: dict[str, int] = {}
    for row in plan.rows:
        _check_person(row, problems)
        id_number = row.values["id_number"]
        if id_number and id_number in seen_ids:
            problems.append(
                ImportProblem(
                    SHEET,
                    row.row,
                    "身份证号",
                    _("The same ID number is on row %(row)d.") % {"row": seen_ids[id_number]},
                )
            )
        elif id_number:
            seen_ids[id_number] = row.row
    grid_codes = {r.values["grid"] for r in plan.rows}
    plan.grids = {
        g.code: g for g in Region.objects.filter(code__in=grid_codes, level=Region.Level.GRID)
    }
    estate_codes = {r.values["estate"] for r in plan.rows if r.values["estate"]}
    estates = {e.code: e for e in Estate.objects.filter(code__in=estate_codes)}
    plan.buildings = {
        (b.estate.code, b.number): b
        for b in Building.objects.filter(estate__code__in=estate_codes).select_related("estate")
    }
    for row in plan.rows:
        problems.extend(_check_place(row, plan, estates))
    return problems


def _check_place(
    row: ParsedRow, plan: PeoplePlan, estates: dict[str, Estate]
) -> list[ImportProblem]:
    v = row.values
    problems: list[ImportProblem] = []

    def add(column: str, message: str) -> None:
        problems.append(ImportProblem(SHEET, row.row, column, message))

    grid = plan.grids.get(v["grid"])
    if grid is None:
        add("所属网格编码", _("No grid has the code %(code)s.") % {"code": v["grid"]})
    if not any(v[key] for key, _header in DWELLING_COLUMNS) and not v["unit"]:
        return problems
    missing = [header for key, header in DWELLING_COLUMNS if not v[key]]
    if missing:
        add(missing[0], _("To attach a dwelling, fill in 小区编码, 楼栋 and 房号."))
        return problems
    estate = estates.get(v["estate"])
    if estate is None:
        add("小区编码", _("No estate has the code %(code)s.") % {"code": v["estate"]})
    elif grid is not None and estate.grid_id != grid.pk:
        add(
            "小区编码",
            _("The estate %(estate)s lies in another grid than %(grid)s.")
            % {"estate": estate.name, "grid": grid.code},
        )
    elif (v["estate"], v["building"]) not in plan.buildings:
        add(
            "楼栋",
            _("The estate %(estate)s has no building %(number)s.")
            % {"estate": estate.name, "number": v["building"]},
        )
    return problems


def _dwelling_key(v: dict[str, Any], plan: PeoplePlan) -> tuple[int, str, str] | None:
    if not v["room"]:
        return None
    building = plan.buildings[(v["estate"], v["building"])]
    return (building.pk, v["unit"] or "", v["room"])


def _write_dwellings(plan: PeoplePlan, tally: Tally) -> dict[tuple[int, str, str], Dwelling]:
    keys = {k for r in plan.rows if (k := _dwelling_key(r.values, plan)) is not None}
    building_ids = list({k[0] for k in keys})
    dwellings: dict[tuple[int, str, str], Dwelling] = {}
    for chunk in in_batches(building_ids, CHUNK):
        for d in Dwelling.objects.filter(building_id__in=chunk):
            dwellings[(d.building_id, d.unit, d.number)] = d
    new = [
        Dwelling(building_id=b, unit=u, number=n)
        for (b, u, n) in keys
        if (b, u, n) not in dwellings
    ]
    for dwelling in new:
        clean_for_bulk(dwelling, foreign_keys=["building"])
    for dwelling in insert(new, Dwelling):
        dwellings[(dwelling.building_id, dwelling.unit, dwelling.number)] = dwelling
    tally.created = len(new)
    tally.unchanged = len(keys) - len(new)
    return dwellings


def _stored_residents(
    plan: PeoplePlan,
) -> tuple[dict[str, Resident], dict[tuple[Any, ...], Resident]]:
    ids = [r.values["id_number"] for r in plan.rows if r.values["id_number"]]
    by_id: dict[str, Resident] = {}
    for chunk in in_batches(ids, CHUNK):
        by_id.update({p.id_number: p for p in Resident.objects.filter(id_number__in=chunk)})
    grid_ids = [g.pk for g in plan.grids.values()]
    by_identity: dict[tuple[Any, ...], Resident] = {}
    if any(not r.values["id_number"] for r in plan.rows):
        for chunk in in_batches(grid_ids, CHUNK):
            for p in Resident.objects.filter(grid_id__in=chunk, id_number=""):
                by_identity.setdefault((p.grid_id, p.name, p.phone, p.dwelling_id), p)
    return by_id, by_identity


def write_people(
    plan: PeoplePlan, *, actor: User | None, track: Tracker = no_tracking, source: str = ""
) -> ImportSummary:
    people, homes = Tally(gettext_lazy("residents")), Tally(gettext_lazy("dwellings"))
    with transaction.atomic():
        dwellings = _write_dwellings(plan, homes)
        by_id, by_identity = _stored_residents(plan)
        new: list[Resident] = []
        changed: list[Resident] = []
        for row in track(plan.rows, str(_("residents"))):
            v = row.values
            grid = plan.grids[v["grid"]]
            key = _dwelling_key(v, plan)
            dwelling = dwellings[key] if key else None
            if v["id_number"]:
                resident = by_id.get(v["id_number"])
            else:
                identity = (grid.pk, v["name"], v["phone"] or "", dwelling.pk if dwelling else None)
                resident = by_identity.get(identity)
            if resident is None:
                resident = Resident(grid=grid, dwelling=dwelling)
                _set(resident, v)
                new.append(resident)
            elif (
                _set(resident, v)
                | (resident.grid_id != grid.pk)
                | (dwelling is not None and resident.dwelling_id != dwelling.pk)
            ):
                resident.grid = grid
                if dwelling is not None:
                    resident.dwelling = dwelling
                changed.append(resident)
            else:
                people.unchanged += 1
                continue
            clean_for_bulk(resident, foreign_keys=["grid", "dwelling", "user"])
        insert(new, Resident)
        update(changed, [*RESIDENT_FIELDS, "grid", "dwelling"])
        people.created, people.updated = len(new), len(changed)
        summary = ImportSummary(kind=ImportKind.PEOPLE, tallies=[people, homes])
        audit_import(
            actor=actor, summary=summary, paths=[g.path for g in plan.grids.values()], source=source
        )
    return summary


def _set(resident: Resident, values: dict[str, Any]) -> bool:
    """Copy the filled cells onto the resident (an empty cell keeps what is stored)."""
    changed = False
    for name in RESIDENT_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if getattr(resident, name) != value:
            setattr(resident, name, value)
            changed = True
    return changed
