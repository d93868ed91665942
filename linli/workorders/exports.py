"""Order files out: order lists and KPIs as CSV or Excel, for the dispatch desk.

Order lists take only the orders the person may see (`permissions.visible_orders`) and mask
requesters' names and phones as every page does. Large lists stream: CSV row by row through
a StreamingHttpResponse, Excel through openpyxl's write-only workbook into a temporary file,
so neither holds the whole list in memory."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook

from linli.accounts.models import User
from linli.territory.models import Region
from linli.workorders.kpis.formulas import RATE_LABELS, RATES
from linli.workorders.kpis.queries import Period, children_kpis, summary
from linli.workorders.models import OrderState, Source, WorkOrder, WorkOrderQuerySet
from linli.workorders.permissions import desk_regions, visible_orders

CHUNK = 2000

MAX_EXPORT_DAYS = 400


class OrderExportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Reported from"), required=False)
    end = forms.DateField(label=gettext_lazy("Reported until"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All states")), *OrderState.choices],
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Source"),
        required=False,
        choices=[("", gettext_lazy("All sources")), *Source.choices],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=30)
        if start > end:
            self.add_error("end", _("The end date is before the start date."))
        elif (end - start).days > MAX_EXPORT_DAYS:
            self.add_error(
                "start", _("Export at most %(days)d days at once.") % {"days": MAX_EXPORT_DAYS}
            )
        data["start"], data["end"] = start, end
        return data


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def orders_for_export(user: User, data: dict[str, Any]) -> WorkOrderQuerySet:
    orders = visible_orders(user).filter(
        created_at__gte=_day_start(data["start"]),
        created_at__lt=_day_start(data["end"] + timedelta(days=1)),
    )
    if data.get("state"):
        orders = orders.filter(state=data["state"])
    if data.get("source"):
        orders = orders.filter(source=data["source"])
    return orders.select_related(
        "category", "grid", "community", "subdistrict", "district", "assignee_unit", "requester"
    ).order_by("created_at", "pk")


def order_headers() -> list[str]:
    # Column names in their own context: the sheet's words, not other pages' ("住址").
    return [
        pgettext("order file", "Order number"),
        pgettext("order file", "Source"),
        pgettext("order file", "State"),
        pgettext("order file", "Category code"),
        pgettext("order file", "Category"),
        pgettext("order file", "Description"),
        pgettext("order file", "Address"),
        pgettext("order file", "Longitude"),
        pgettext("order file", "Latitude"),
        pgettext("order file", "Grid"),
        pgettext("order file", "Community"),
        pgettext("order file", "Subdistrict"),
        pgettext("order file", "District"),
        pgettext("order file", "Requester"),
        pgettext("order file", "Phone"),
        pgettext("order file", "Urgent"),
        pgettext("order file", "Overdue"),
        pgettext("order file", "Reported at"),
        pgettext("order file", "Dispatched at"),
        pgettext("order file", "Handled at"),
        pgettext("order file", "Closed at"),
        pgettext("order file", "Deadline"),
        pgettext("order file", "Assigned unit"),
        pgettext("order file", "Satisfaction"),
    ]


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def order_row(order: WorkOrder) -> list[Any]:
    return [
        order.number, order.get_source_display(), order.get_state_display(),
        f"{order.category.get_kind_display()}{order.category.code}", order.category.name,
        order.description, order.address, round(order.lng, 6), round(order.lat, 6),
        order.grid.name, order.community.name, order.subdistrict.name, order.district.name,
        order.requester_display_name, order.requester_phone_masked, _yes(order.urgent),
        _yes(order.overdue), _when(order.created_at), _when(order.dispatched_at),
        _when(order.handled_at), _when(order.closed_at), _when(order.deadline_at),
        order.assignee_unit.name if order.assignee_unit else "",
        order.get_satisfaction_display() if order.satisfaction else "",
    ]  # fmt: skip


def order_rows(orders: WorkOrderQuerySet) -> Iterator[list[Any]]:
    for order in orders.iterator(chunk_size=CHUNK):
        yield order_row(order)


def kpi_headers() -> list[str]:
    return [
        pgettext("order file", "Region"),
        pgettext("order file", "Code"),
        pgettext("order file", "Reported"),
        pgettext("order file", "Overdue"),
        *[str(RATE_LABELS.get(name, name)) for name in RATES],
        pgettext("order file", "Score"),
    ]


def kpi_rows(user: User, start: date, end: date) -> list[list[Any]]:
    """One row for each region of the person's desk and one for each region just below it."""
    period = Period(start, end)
    rows: list[list[Any]] = []
    tops = list(Region.objects.filter(path__in=desk_regions(user)).order_by("path"))
    for top in tops:
        children = list(top.children.order_by("code"))
        found = {top.pk: summary_of(top, period), **children_kpis(children, period)}
        for region in [top, *children]:
            figures = found[region.pk]
            rates = [_percent(figures.get(name)) for name in RATES]
            rows.append([region.name, region.code, figures["reported"], figures["overdue"],
                         *rates, figures.get("score")])  # fmt: skip
    return rows


def summary_of(region: Region, period: Period) -> dict[str, Any]:
    return children_kpis([region], period).get(region.pk) or summary({})


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, headers: list[str], rows: Iterable[list[Any]]
) -> StreamingHttpResponse:
    """CSV streamed row by row, with a byte-order mark so that Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, sheet: str, headers: list[str], rows: Iterable[list[Any]]
) -> FileResponse:
    """An .xlsx written row by row (write-only) into a temporary file, then sent from it."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
