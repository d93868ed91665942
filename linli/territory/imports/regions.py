"""The region tree from Excel (sheet 行政区划): city, districts and counties, subdistricts
and townships, communities and villages, each with its 12-digit statistical code.

Codes follow GB/T 2260 and the statistical extension: 6 county digits, 3 township digits,
3 village digits. A child's code must start with its parent's significant digits, and the
first township digit and the first village digit tell the kind when none is given.
Regions already stored under the same code are renamed in place; moving one to another
parent is refused (its whole subtree would move).
"""

from __future__ import annotations

from collections import defaultdict
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
from linli.territory.imports.cells import parse_division_code, parse_labels, parse_text
from linli.territory.imports.writing import create_regions, update_regions
from linli.territory.models import Region

Level = Region.Level
Kind = Region.Kind

SHEET = "行政区划"
LEVEL_LABELS = {
    "市": Level.CITY,
    "区县": Level.DISTRICT,
    "街道乡镇": Level.SUBDISTRICT,
    "社区村": Level.COMMUNITY,
    "区/县": Level.DISTRICT,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
    "街道/乡镇": Level.SUBDISTRICT,
    "街道": Level.SUBDISTRICT,
    "乡镇": Level.SUBDISTRICT,
    "社区/村": Level.COMMUNITY,
    "社区": Level.COMMUNITY,
    "村": Level.COMMUNITY,
}
KIND_LABELS = {
    "市": Kind.CITY,
    "区": Kind.DISTRICT,
    "县": Kind.COUNTY,
    "县级市": Kind.COUNTY,
    "街道": Kind.SUBDISTRICT,
    "镇": Kind.TOWN,
    "乡": Kind.TOWNSHIP,
    "社区": Kind.COMMUNITY,
    "居委会": Kind.COMMUNITY,
    "村": Kind.VILLAGE,
    "村委会": Kind.VILLAGE,
}
KINDS_BY_LEVEL = {
    Level.CITY: {Kind.CITY},
    Level.DISTRICT: {Kind.DISTRICT, Kind.COUNTY},
    Level.SUBDISTRICT: {Kind.SUBDISTRICT, Kind.TOWN, Kind.TOWNSHIP},
    Level.COMMUNITY: {Kind.COMMUNITY, Kind.VILLAGE},
}

SPEC = SheetSpec(
    SHEET,
    (
        Column("code", "区划代码", parse_division_code, example="410611001001"),
        Column("name", "名称", parse_text(100), example="朝阳社区"),
        Column(
            "level",
            "层级",
            parse_labels({k: str(v) for k, v in LEVEL_LABELS.items()}),
            example="社区村",
        ),
        Column(
            "parent_code", "上级代码", parse_division_code, required=False, example="410611001000"
        ),
        Column("kind", "类型", parse_labels(KIND_LABELS), required=False, example="社区"),
    ),
)
# Example rows for the downloadable template, top to bottom of one branch.
EXAMPLE_ROWS: list[list[object]] = [
    ["410600000000", "鹤壁市", "市", "", "市"],
    ["410611000000", "淇滨区", "区县", "410600000000", "区"],
    ["410611001000", "九州路街道", "街道乡镇", "410611000000", "街道"],
    ["410611001001", "朝阳社区", "社区村", "410611001000", "社区"],
]


def code_level(code: str) -> int | None:
    """The level a well-formed code stands for, from where its trailing zeros start."""
    if code[9:] != "000":
        return Level.COMMUNITY
    if code[6:9] != "000":
        return Level.SUBDISTRICT
    if code[4:6] != "00":
        return Level.DISTRICT
    if code[2:4] != "00" or code[:2] in {"11", "12", "31", "50"}:  # municipalities: 110000…
        return Level.CITY
    return None


def significant_prefix(code: str, level: int) -> str:
    """The digits of a parent's code that its children's codes repeat."""
    if level == Level.CITY:
        return code[:2] if code[2:4] == "00" else code[:4]
    return code[: {Level.DISTRICT: 6, Level.SUBDISTRICT: 9}.get(Level(level), 12)]


def default_kind(code: str, level: int) -> str:
    if level == Level.DISTRICT:
        return Kind.DISTRICT if code[4:6] <= "20" else Kind.COUNTY
    if level == Level.SUBDISTRICT:
        return {"1": Kind.TOWN, "2": Kind.TOWNSHIP, "3": Kind.TOWNSHIP}.get(
            code[6], Kind.SUBDISTRICT
        )
    if level == Level.COMMUNITY:
        return Kind.VILLAGE if code[9] in "23" else Kind.COMMUNITY
    return Kind.CITY


@dataclass
class RegionRow:
    row: ParsedRow
    code: str
    name: str
    level: int
    parent_code: str | None
    kind: str


@dataclass
class RegionPlan:
    rows: list[RegionRow]
    existing: dict[str, Region]
    stored_parents: dict[str, Region]
    # Codes on rows refused cell by cell: rows naming them as parent are not refused again.
    unreadable: set[str] = field(default_factory=set)


def read_regions(data: BinaryIO) -> RegionPlan:
    """Parse and check the sheet. Raises ImportFailed listing every problem."""
    result = read_workbook(data, [SPEC])
    problems = result.problems
    rows: list[RegionRow] = []
    bad_rows = {p.row for p in problems}
    for parsed in result.rows.get(SHEET, []):
        v = parsed.values
        if parsed.row in bad_rows:
            continue
        level = int(v["level"])
        rows.append(
            RegionRow(
                row=parsed,
                code=v["code"],
                name=v["name"],
                level=level,
                parent_code=v["parent_code"],
                kind=v["kind"] or default_kind(v["code"], level),
            )
        )
    if not problems and not rows:
        problems.append(ImportProblem(SHEET, None, None, _("The sheet holds no rows.")))
    plan = RegionPlan(rows=rows, existing={}, stored_parents={})
    plan.unreadable = {
        r.values["code"]
        for r in result.rows.get(SHEET, [])
        if r.row in bad_rows and r.values.get("code")
    }
    if rows:
        problems.extend(_check(plan))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: (p.sheet, p.row or 0)))
    return plan


def _check(plan: RegionPlan) -> list[ImportProblem]:
    problems: list[ImportProblem] = []

    def add(row: RegionRow, column: str, message: str) -> None:
        problems.append(ImportProblem(SHEET, row.row.row, column, message))

    in_file: dict[str, RegionRow] = {}
    for row in plan.rows:
        if row.code in in_file:
            add(
                row,
                "区划代码",
                _("The code %(code)s is also on row %(row)d.")
                % {"code": row.code, "row": in_file[row.code].row.row},
            )
            continue
        in_file[row.code] = row
    codes = set(in_file) | {r.parent_code for r in plan.rows if r.parent_code}
    stored = {r.code: r for r in Region.objects.filter(code__in=codes).select_related("parent")}
    for row in in_file.values():
        _check_row(row, in_file, stored, plan, add)
    return problems


def _check_row(
    row: RegionRow,
    in_file: dict[str, RegionRow],
    stored: dict[str, Region],
    plan: RegionPlan,
    add: Any,
) -> None:
    level_label = Level(row.level).label
    existing = stored.get(row.code)
    if existing is not None:
        if existing.level != row.level:
            add(
                row,
                "层级",
                _("The code %(code)s is stored as the %(level)s %(name)s.")
                % {"code": row.code, "level": existing.get_level_display(), "name": existing.name},
            )
            return
        plan.existing[row.code] = existing
    if code_level(row.code) != row.level:
        add(
            row,
            "区划代码",
            _("The code %(code)s does not have the shape of a %(level)s code.")
            % {"code": row.code, "level": level_label},
        )
        return
    if row.kind not in KINDS_BY_LEVEL[Level(row.level)]:
        add(row, "类型", _("A %(level)s cannot be of this type.") % {"level": level_label})
    if row.level == Level.CITY:
        if row.parent_code:
            add(row, "上级代码", _("A city has no parent; leave this cell empty."))
        return
    if not row.parent_code:
        add(row, "上级代码", _("This cell is required."))
        return
    parent_level: int | None = None
    if row.parent_code in in_file:
        parent_level = in_file[row.parent_code].level
    elif row.parent_code in stored:
        parent_level = stored[row.parent_code].level
        plan.stored_parents[row.parent_code] = stored[row.parent_code]
    if parent_level is None:
        if row.parent_code in plan.unreadable:
            return
        add(
            row,
            "上级代码",
            _("No region has the code %(code)s, in this file or stored.")
            % {"code": row.parent_code},
        )
        return
    if parent_level != row.level - 1:
        add(
            row,
            "上级代码",
            _("The parent %(code)s is a %(parent)s; a %(level)s belongs to a %(expected)s.")
            % {
                "code": row.parent_code,
                "parent": Level(parent_level).label,
                "level": level_label,
                "expected": Level(row.level - 1).label,
            },
        )
        return
    prefix = significant_prefix(row.parent_code, parent_level)
    if not row.code.startswith(prefix):
        add(
            row,
            "区划代码",
            _("The code %(code)s must start with %(prefix)s, the digits of its parent %(parent)s.")
            % {"code": row.code, "prefix": prefix, "parent": row.parent_code},
        )
    if (
        existing is not None
        and existing.parent is not None
        and existing.parent.code != row.parent_code
    ):
        add(
            row,
            "上级代码",
            _("%(name)s is stored under %(parent)s; an import does not move regions.")
            % {"name": existing.name, "parent": existing.parent.name},
        )


def write_regions(
    plan: RegionPlan, *, actor: User | None, track: Tracker = no_tracking, source: str = ""
) -> ImportSummary:
    tally = Tally(gettext_lazy("regions"))
    by_code: dict[str, Region] = {**plan.stored_parents, **plan.existing}
    new_by_level: dict[int, list[Region]] = defaultdict(list)
    changed: list[Region] = []
    with transaction.atomic():
        for row in track(sorted(plan.rows, key=lambda r: r.level), str(_("regions"))):
            region = plan.existing.get(row.code)
            if region is None:
                region = Region(code=row.code, name=row.name, level=row.level, kind=row.kind)
                new_by_level[row.level].append(region)
            elif (region.name, region.kind) != (row.name, row.kind):
                region.name, region.kind = row.name, row.kind
                changed.append(region)
            else:
                tally.unchanged += 1
            by_code[row.code] = region
        parent_codes = {row.code: row.parent_code for row in plan.rows}
        for level in sorted(new_by_level):
            for region in new_by_level[level]:
                parent_code = parent_codes[region.code]
                region.parent = by_code[parent_code] if parent_code else None
            create_regions(new_by_level[level])
        update_regions(changed, ["name", "kind"])
        created = [r for regions in new_by_level.values() for r in regions]
        tally.created, tally.updated = len(created), len(changed)
        summary = ImportSummary(kind=ImportKind.REGIONS, tallies=[tally])
        audit_import(
            actor=actor,
            summary=summary,
            paths=[r.path for r in by_code.values() if r.code in parent_codes],
            source=source,
        )
    return summary
