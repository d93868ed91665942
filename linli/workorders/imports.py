"""Order files in: a hotline's (12345) daily sheet of cases, as orders with source hotline.

All or nothing: every row is read and checked (ledger.read_workbook), then every order is
created through `create_order` in one transaction; any problem, in any row, rolls all of
it back and the person gets the list, row by row. Idempotent: the hotline's case number is
the order's client token, so importing the same sheet again creates nothing twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.lib.ledger import (
    CellError,
    Column,
    ImportFailed,
    ImportProblem,
    ParsedRow,
    SheetSpec,
    parse_code,
    parse_decimal,
    read_workbook,
    template_workbook,
)
from linli.workorders.models import Category, Source, WorkOrder
from linli.workorders.permissions import desk_regions
from linli.workorders.services.intake import create_order, locate

SHEET = "热线工单"
TOKEN_PREFIX = "12345:"  # noqa: S105 (a client-token prefix, not a password)
REQUEST_TYPES = ("咨询", "求助", "投诉", "举报", "建议")
# Category codes repeat across kinds (部件 0101 上水井盖, 事件 0101 私搭乱建): a kind prefix
# tells them apart where needed.
KIND_PREFIXES = {"部件": Category.Kind.COMPONENT, "事件": Category.Kind.INCIDENT,
                 "服务": Category.Kind.SERVICE}  # fmt: skip


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError as exc:
            raise CellError(_("Expected a date and time like 2026-05-12 09:30.")) from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _request_type(value: Any) -> str:
    text = str(value).strip()
    if text not in REQUEST_TYPES:
        raise CellError(_("Expected one of: %(options)s.") % {"options": "、".join(REQUEST_TYPES)})
    return text


def _crs(value: Any) -> str:
    text = str(value).strip().lower().replace("-", "")
    if text in ("wgs84", "gcj02"):
        return text
    raise CellError(_("Expected WGS84 or GCJ-02."))


def _urgent(value: Any) -> bool:
    text = str(value).strip()
    if text in ("是", "紧急", "1", "true", "True"):
        return True
    if text in ("否", "", "0", "false", "False"):
        return False
    raise CellError(_("Expected 是 or 否."))


def _case_number(value: Any) -> str:
    text = parse_code(value)
    if len(TOKEN_PREFIX + text) > 64:
        raise CellError(_("The case number is too long."))
    return text


SPEC = SheetSpec(
    SHEET,
    (
        Column("case", "工单编号(热线)", _case_number, example="12345-20260512-0001"),
        Column("called_at", "来电时间", _when, required=False, example="2026-05-12 09:30"),
        Column("name", "诉求人", str, required=False, example="王先生"),
        Column("phone", "联系电话", parse_code, required=False, example="13800000000"),
        Column("request_type", "诉求类型", _request_type, required=False, example="投诉"),
        Column("category", "问题分类编码", parse_code, example="事件0404"),
        Column("description", "诉求内容", str, example="小区门口人行道上有车辆长期停放"),
        Column("address", "地址", str, required=False, example="淇滨区九州路 18 号"),
        Column("lng", "经度", parse_decimal, example="114.297"),
        Column("lat", "纬度", parse_decimal, example="35.748"),
        Column("crs", "坐标系", _crs, required=False, example="WGS84"),
        Column("urgent", "是否紧急", _urgent, required=False, example="否"),
    ),
)


def template() -> bytes:
    return template_workbook([SPEC])


@dataclass
class ImportReport:
    created: list[WorkOrder] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # case numbers imported before


def _category_index() -> dict[str, list[Category]]:
    index: dict[str, list[Category]] = {}
    for category in Category.objects.active().leaves():
        index.setdefault(category.code, []).append(category)
    return index


def _category(text: str, index: dict[str, list[Category]]) -> Category:
    kind = None
    for prefix, value in KIND_PREFIXES.items():
        if text.startswith(prefix):
            kind, text = value, text[len(prefix) :].strip()
    found = [c for c in index.get(text, []) if kind is None or c.kind == kind]
    if not found:
        raise CellError(_("No category has the code %(code)s.") % {"code": text})
    if len(found) > 1:
        raise CellError(
            _("The code %(code)s is used by several kinds: write 部件%(code)s or 事件%(code)s.")
            % {"code": text}
        )
    return found[0]


def _problem(row: ParsedRow, header: str | None, message: str) -> ImportProblem:
    return ImportProblem(SHEET, row.row, header, message)


_FIELD_HEADERS = {"location": "经度", "description": "诉求内容", "requester_phone": "联系电话",
                  "requester_name": "诉求人", "address": "地址", "category": "问题分类编码"}  # fmt: skip


def _check_rows(rows: list[ParsedRow], by: User) -> list[ImportProblem]:
    """Categories, duplicate case numbers and places (in one of the person's regions)."""
    problems: list[ImportProblem] = []
    index, seen = _category_index(), dict[str, int]()
    areas = desk_regions(by)
    for row in rows:
        # A cell that could not be read is missing from values (its problem is reported).
        values = row.values
        case = values.get("case")
        if case is not None and case in seen:
            problems.append(_problem(row, "工单编号(热线)", _("The same case number is on row %(row)d.") % {"row": seen[case]}))  # fmt: skip
        if case is not None:
            seen.setdefault(case, row.row)
        if values.get("category") is not None:
            try:
                values["category"] = _category(values["category"], index)
            except CellError as exc:
                problems.append(_problem(row, "问题分类编码", str(exc)))
        if values.get("lng") is None or values.get("lat") is None or "crs" not in values:
            continue
        try:
            place = locate(float(values["lng"]), float(values["lat"]), crs=values["crs"] or "wgs84")
        except ValidationError as exc:
            problems += [_problem(row, "经度", m) for m in exc.messages]
            continue
        if not any(place.region_path.startswith(path) for path in areas):
            problems.append(_problem(row, "经度", _("The place is outside the regions you dispatch for.")))  # fmt: skip
    return problems


def import_hotline_sheet(*, file: BinaryIO, by: User) -> ImportReport:
    """Create an order (source hotline) for every new case of the sheet, or none at all:
    raises ImportFailed with every problem found."""
    result = read_workbook(file, [SPEC])
    rows = result.rows.get(SHEET, [])
    problems = result.problems + _check_rows(rows, by)
    if not problems and not rows:
        problems = [ImportProblem(SHEET, None, None, _("The sheet has no cases."))]
    if problems:
        raise ImportFailed(problems)
    report = ImportReport()
    tokens = [TOKEN_PREFIX + r.values["case"] for r in rows]
    done = set(
        WorkOrder.objects.filter(source=Source.HOTLINE, client_token__in=tokens).values_list(
            "client_token", flat=True
        )
    )
    with transaction.atomic():
        for row in rows:
            token = TOKEN_PREFIX + row.values["case"]
            if token in done:
                report.already.append(row.values["case"])
                continue
            try:
                report.created.append(_create(row.values, token, by))
            except ValidationError as exc:
                found = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                problems += [
                    _problem(row, _FIELD_HEADERS.get(name), message)
                    for name, messages in found.items()
                    for message in messages
                ]
        if problems:
            # Raising inside the block rolls back every order created above.
            raise ImportFailed(problems)
    return report


def _create(values: dict[str, Any], token: str, by: User) -> WorkOrder:
    description = values["description"]
    if values["request_type"]:
        description = f"【{values['request_type']}】{description}"
    if values["called_at"]:
        called = timezone.localtime(values["called_at"]).strftime("%Y-%m-%d %H:%M")
        description += "\n" + _("Hotline call at %(time)s.") % {"time": called}
    return create_order(
        source=Source.HOTLINE,
        category=values["category"],
        description=description,
        lng=float(values["lng"]),
        lat=float(values["lat"]),
        crs=values["crs"] or "wgs84",
        reporter=by,
        requester_name=values["name"] or "",
        requester_phone=values["phone"] or "",
        urgent=bool(values["urgent"]),
        client_token=token,
        address=values["address"] or "",
    )
