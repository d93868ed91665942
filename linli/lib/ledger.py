"""Reading office ledgers (台账) from .xlsx files, all-or-nothing.

A `SheetSpec` names a sheet and its columns (Chinese headers as offices write them) with a
parser per column. `read_workbook` parses every row of every sheet and collects every
problem as an `ImportProblem(sheet, row, column, message)`; callers write nothing unless
the list is empty. Row numbers are those Excel shows (the header is row 1).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

Parser = Callable[[Any], Any]


class CellError(ValueError):
    """Raised by a column parser with a message for the person who filled the sheet."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Parser = str
    required: bool = True
    example: Any = ""
    help: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(self.column)
        return f"{' / '.join(where)}: {self.message}"


@dataclass
class ParsedRow:
    sheet: str
    row: int
    values: dict[str, Any]


@dataclass
class ImportResult:
    rows: dict[str, list[ParsedRow]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


class ImportFailed(Exception):
    """The file was refused; nothing was written. `problems` says why, row by row."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


MAX_ROWS = 200_000


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(
    file: BinaryIO, specs: Iterable[SheetSpec], *, required_sheets: Iterable[str] | None = None
) -> ImportResult:
    """Parse the sheets named by `specs`. Problems are collected, never raised one by one."""
    result = ImportResult()
    try:
        data = file.read()
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        result.problems.append(
            ImportProblem(_("file"), None, None, _("This is not an Excel .xlsx file."))
        )
        return result
    specs = list(specs)
    required = set(required_sheets) if required_sheets is not None else {s.name for s in specs}
    for spec in specs:
        if spec.name not in workbook.sheetnames:
            if spec.name in required:
                result.problems.append(
                    ImportProblem(spec.name, None, None, _("The sheet is missing."))
                )
            continue
        result.rows[spec.name] = _read_sheet(workbook[spec.name], spec, result.problems)
    workbook.close()
    return result


def _read_sheet(sheet: Any, spec: SheetSpec, problems: list[ImportProblem]) -> list[ParsedRow]:
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [str(h).strip() if h is not None else "" for h in (header_row or ())]
    positions: dict[str, int] = {}
    for column in spec.columns:
        if column.header in headers:
            positions[column.key] = headers.index(column.header)
        elif column.required:
            problems.append(
                ImportProblem(
                    spec.name, 1, column.header, _("The column is missing from the header row.")
                )
            )
    if any(p.sheet == spec.name and p.row == 1 for p in problems):
        return []
    parsed: list[ParsedRow] = []
    for number, raw in enumerate(rows, start=2):
        if number > MAX_ROWS:
            problems.append(ImportProblem(spec.name, number, None, _("Too many rows.")))
            break
        if raw is None or all(_is_blank(v) for v in raw):
            continue
        values: dict[str, Any] = {}
        for column in spec.columns:
            pos = positions.get(column.key)
            cell = raw[pos] if pos is not None and pos < len(raw) else None
            if _is_blank(cell):
                if column.required:
                    problems.append(
                        ImportProblem(spec.name, number, column.header, _("This cell is required."))
                    )
                values[column.key] = None
                continue
            if isinstance(cell, str):
                cell = cell.strip()
            try:
                values[column.key] = column.parse(cell)
            except (CellError, ValueError, TypeError) as exc:
                message = (
                    str(exc)
                    if isinstance(exc, CellError)
                    else _("The value %(value)s cannot be read.") % {"value": repr(cell)}
                )
                problems.append(ImportProblem(spec.name, number, column.header, message))
        parsed.append(ParsedRow(spec.name, number, values))
    return parsed


def template_workbook(specs: Iterable[SheetSpec]) -> bytes:
    """A blank workbook with one sheet per spec: bold headers and one example row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in specs:
        sheet = workbook.create_sheet(spec.name)
        sheet.append(spec.headers())
        sheet.append([c.example for c in spec.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cell in sheet[2]:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
                12, len(column.header) * 2 + 4
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_workbook(sheets: dict[str, tuple[list[str], Iterable[Iterable[Any]]]]) -> bytes:
    """Export: {sheet name: (headers, rows)} → .xlsx bytes, in the same shape as templates."""
    workbook = Workbook(write_only=True)
    for name, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Column parsers shared by every ledger.


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).replace(",", ""))
    except ValueError as exc:
        raise CellError(_("Expected a whole number, not %(value)s.") % {"value": value}) from exc


def parse_non_negative_int(value: Any) -> int:
    number = parse_int(value)
    if number < 0:
        raise CellError(_("Expected a number that is not negative."))
    return number


def parse_decimal(value: Any) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation as exc:
        raise CellError(_("Expected a number, not %(value)s.") % {"value": value}) from exc
    if not number.is_finite() or number < 0:
        raise CellError(_("Expected a number that is not negative."))
    return number


def parse_code(value: Any) -> str:
    """Codes typed into Excel often arrive as numbers; keep them as digit strings."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        raise CellError(_("The code is empty."))
    return text


def parse_choice(choices: dict[str, str]) -> Parser:
    """Accept either the stored value or its Chinese label."""

    def parse(value: Any) -> str:
        text = str(value).strip()
        if text in choices:
            return choices[text]
        raise CellError(
            _("Expected one of: %(options)s.") % {"options": "、".join(sorted(choices))}
        )

    return parse
