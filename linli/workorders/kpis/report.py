"""The monthly report in the shape cities publish it (天门 2016-12, REFERENCE.md §1.6):
受理, 立案, 应结案, 结案 and %, 按期结案 and %, split by source and by 部件/事件 class, and the
sub-classes with most reports. As a page and as an Excel workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.lib.ledger import write_workbook
from linli.territory.models import Region
from linli.workorders.kpis import queries
from linli.workorders.kpis.queries import Period, month_end
from linli.workorders.models import Category, Source

TOP_SUBCLASSES = 5


@dataclass
class MonthlyReport:
    region: Region
    month: date
    headline: dict[str, Any]
    by_source: list[dict[str, Any]] = field(default_factory=list)
    by_class: list[dict[str, Any]] = field(default_factory=list)
    top: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("%(region)s work orders, %(year)d-%(month)02d") % {
            "region": self.region.name,
            "year": self.month.year,
            "month": self.month.month,
        }

    @property
    def sections(self) -> list[tuple[str, list[dict[str, Any]], str]]:
        return [
            (_("By source"), self.by_source, _("Source")),
            (_("By category class"), self.by_class, _("Major class")),
        ]


def _line(name: str, s: dict[str, Any], total: int, **extra: Any) -> dict[str, Any]:
    c = s["counters"]
    return {
        "name": name,
        "reported": c["reported"],
        "share": c["reported"] / total if total else None,
        "filed": c["filed"],
        "due_close": c["due_close"],
        "closed": c["closed"],
        "close_rate": s["close_rate"],
        "closed_on_time": c["closed_on_time"],
        "on_time_close_rate": s["on_time_close_rate"],
        **extra,
    }


def monthly_report(region: Region, month: date) -> MonthlyReport:
    period = Period(month, month_end(month))
    k = queries.region_kpis(region, period.start, period.end)
    total = k["reported"]
    report = MonthlyReport(region=region, month=month, headline=_line(_("Total"), k, total))
    report.by_source = [
        _line(str(Source(src).label), s, total) for src, s in k["slices"]["source"].items()
    ]
    report.by_source.sort(key=lambda r: -int(r["reported"]))
    majors = {
        c.pk: c
        for c in Category.objects.filter(level=Category.Level.MAJOR).order_by("kind", "code")
    }
    kinds = dict(Category.Kind.choices)
    for pk, major in majors.items():
        s = k["slices"]["major"].get(pk)
        if s is not None and s["reported"]:
            report.by_class.append(
                _line(f"{major.code} {major.name}", s, total, kind=str(kinds[major.kind]))
            )
    counts = queries.category_counts(region, period)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SUBCLASSES]
    names = {c.pk: c for c in Category.objects.filter(pk__in=[pk for pk, _ in top])}
    report.top = [
        {
            "name": f"{names[pk].code} {names[pk].name}" if pk in names else str(pk),
            "reported": n,
            "share": n / total if total else None,
        }
        for pk, n in top
    ]
    return report


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def _headers() -> list[str]:
    return [
        pgettext("monthly report", "Received"),
        pgettext("monthly report", "Share"),
        pgettext("monthly report", "Filed"),
        pgettext("monthly report", "Due for closing"),
        pgettext("monthly report", "Closed"),
        pgettext("monthly report", "Closing rate"),
        pgettext("monthly report", "Closed on time"),
        pgettext("monthly report", "On-time closing rate"),
    ]


def _cells(line: dict[str, Any]) -> list[Any]:
    return [
        line["reported"],
        _pct(line["share"]),
        line["filed"],
        line["due_close"],
        line["closed"],
        _pct(line["close_rate"]),
        line["closed_on_time"],
        _pct(line["on_time_close_rate"]),
    ]


def workbook(report: MonthlyReport) -> bytes:
    """The report as .xlsx: a summary sheet, one by source, one by class, top sub-classes."""
    summary_rows = [[report.title, *_cells(report.headline)]]
    return write_workbook(
        {
            _("Summary"): ([_("Report"), *_headers()], summary_rows),
            _("By source"): (
                [_("Source"), *_headers()],
                [[line["name"], *_cells(line)] for line in report.by_source],
            ),
            _("By class"): (
                [_("Kind"), _("Major class"), *_headers()],
                [[line["kind"], line["name"], *_cells(line)] for line in report.by_class],
            ),
            _("Top sub-classes"): (
                [
                    _("Minor class"),
                    pgettext("monthly report", "Received"),
                    pgettext("monthly report", "Share"),
                ],
                [[t["name"], t["reported"], _pct(t["share"])] for t in report.top],
            ),
        }
    )
