"""KPIs of a region over a period, and the monthly report: the KPI pages' figures, for the
people the KPI pages are for (`workorders.kpis.permissions`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from linli.api.access.security import PERSON
from linli.api.v1.errors import invalid
from linli.api.v1.present import region_ref
from linli.api.v1.routes.auth import person
from linli.api.v1.schemas import KpiOut, MonthlyReportOut
from linli.workorders import kpis
from linli.workorders.kpis.permissions import get_kpi_region_for
from linli.workorders.kpis.report import monthly_report

router = Router(tags=["kpis"], auth=PERSON)

# The longest period one request may ask for.
MAX_DAYS = 366 * 5
FIGURES = (
    "response_rate", "resolution_rate", "satisfaction_rate", "handle_rate",
    "on_time_handle_rate", "close_rate", "on_time_close_rate", "rework_rate", "extension_rate",
    "filing_rate", "overdue_pending_rate", "overdue", "overdue_open", "avg_accept_hours",
    "avg_handle_hours", "avg_close_hours", "score",
)  # fmt: skip


@router.get("/kpis", response=KpiOut, summary="KPIs of a region")
def region_kpis(
    request: HttpRequest,
    region: Annotated[
        str, Query(..., min_length=1, max_length=32, description="Division or grid code.")
    ],
    start: Annotated[
        date | None, Query(None, description="First day (default: this month's first).")
    ] = None,
    end: Annotated[
        date | None, Query(None, description="Last day, included (default: today).")
    ] = None,
) -> dict[str, Any]:
    """响应率, 解决率, 满意率, 处置率, 按期处置率, 结案率, 按期结案率, 返工率, 延期率 (fractions from 0
    to 1, null when nothing was due), 超期数 and the composite score, for orders reported from
    `start` to `end` (docs/kpis.md defines each)."""
    place = get_kpi_region_for(person(request), region)
    end = end or timezone.localdate()
    start = start or end.replace(day=1)
    if start > end:
        message = _("Start date: it comes after the end date.")
        raise invalid([{"field": "start", "code": "invalid", "message": message}])
    if end - start > timedelta(days=MAX_DAYS):
        message = _("End date: ask for at most %(days)d days at a time.") % {"days": MAX_DAYS}
        raise invalid([{"field": "end", "code": "invalid", "message": message}])
    figures = kpis.region_kpis(place, start, end)
    return {
        "region": region_ref(place),
        "start": start,
        "end": end,
        "counts": figures["counts"],
        **{name: figures.get(name) for name in FIGURES},
    }


@router.get("/reports/monthly", response=MonthlyReportOut, summary="Monthly report of a region")
def region_monthly_report(
    request: HttpRequest,
    region: Annotated[
        str, Query(..., min_length=1, max_length=32, description="Division or grid code.")
    ],
    month: Annotated[
        str | None,
        Query(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM (default: last month)."),
    ] = None,
) -> dict[str, Any]:
    """The report in the shape cities publish it: 受理, 立案, 应结案, 结案 and 结案率, 按期结案 and
    按期结案率, by source and by 部件/事件 class, and the sub-classes with most reports — the
    report page's figures (its Excel is on the page)."""
    place = get_kpi_region_for(person(request), region)
    if month:
        year, number = (int(part) for part in month.split("-"))
        if not (2000 <= year <= 2100 and 1 <= number <= 12):
            message = _("Month: enter it as year-month, e.g. 2026-03.")
            raise invalid([{"field": "month", "code": "invalid", "message": message}])
        first = date(year, number, 1)
    else:
        first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    report = monthly_report(place, first)
    return {
        "region": region_ref(place),
        "month": f"{first:%Y-%m}",
        "title": report.title,
        "headline": report.headline,
        "by_source": report.by_source,
        "by_class": report.by_class,
        "top": report.top,
    }
