"""What the KPI pages show, as plain data: figures with labels, tables of children, units
and people, and the chart and map data the page's script draws. Views stay thin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.accounts.models import Organization, User
from linli.territory.models import Region, subtree_q
from linli.workorders.kpis import formulas, layout, queries
from linli.workorders.kpis.permissions import kpi_paths
from linli.workorders.kpis.queries import Period
from linli.workorders.models import Category, OrderState, Source

# The figures shown as cards, in order.
CARD_RATES = [
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "handle_rate",
    "on_time_handle_rate",
    "close_rate",
    "on_time_close_rate",
    "rework_rate",
    "extension_rate",
]
UNIT_TABLE_LIMIT = 30


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def cards(k: dict[str, Any]) -> list[dict[str, Any]]:
    out = [
        {"key": "reported", "label": _("Orders reported"), "value": k["reported"]},
        {"key": "overdue", "label": _("Overdue"), "value": k["overdue"]},
        {
            "key": "score",
            "label": _("Composite score"),
            "value": "—" if k["score"] is None else f"{k['score']:.1f}",
        },
    ]
    out += [
        {"key": name, "label": formulas.RATE_LABELS[name], "value": percent(k[name])}
        for name in CARD_RATES
    ]
    out += [
        {"key": "avg_accept_hours", "label": _("Hours to accept"), "value": hours(k["avg_accept_hours"])},
        {"key": "avg_handle_hours", "label": _("Hours to handle"), "value": hours(k["avg_handle_hours"])},
        {"key": "avg_close_hours", "label": _("Hours to close"), "value": hours(k["avg_close_hours"])},
    ]  # fmt: skip
    return out


def row(name: str, url: str, figures: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """One line of a table: the name, its link, and the table's columns."""
    return {
        "name": name,
        "url": url,
        "reported": figures["reported"],
        "close_rate": percent(figures["close_rate"]),
        "on_time_close_rate": percent(figures["on_time_close_rate"]),
        "satisfaction_rate": percent(figures["satisfaction_rate"]),
        "overdue": figures["overdue"],
        "score": "—" if figures["score"] is None else f"{figures['score']:.1f}",
        "score_value": figures["score"],
        **extra,
    }


def _query(period: Period) -> str:
    return f"?start={period.start.isoformat()}&end={period.end.isoformat()}"


def region_url(region: Region, period: Period) -> str:
    return reverse("workorders:kpis_region", args=[region.code]) + _query(period)


def major_names() -> dict[int, str]:
    kinds = dict(Category.Kind.choices)
    return {
        c["pk"]: f"{kinds[c['kind']]}·{c['name']}"
        for c in Category.objects.filter(level=Category.Level.MAJOR).values("pk", "kind", "name")
    }


def breadcrumb(user: User, region: Region, period: Period) -> list[dict[str, str]]:
    paths = kpi_paths(user)
    ancestors = Region.objects.filter(pk__in=region.ancestor_ids()).order_by("level")
    return [
        {"name": r.name, "url": region_url(r, period)}
        for r in ancestors
        if any(r.path.startswith(p) for p in paths)
    ]


def charts(k: dict[str, Any], majors: dict[int, str]) -> dict[str, Any]:
    counts = k["counts"]
    return {
        "states": [
            {"name": str(OrderState(s).label), "value": n} for s, n in counts["by_state"].items() if n
        ],
        "sources": [
            {"name": str(Source(s).label), "value": n} for s, n in counts["by_source"].items() if n
        ],
        "majors": [
            {"name": majors.get(m, str(m)), "value": n} for m, n in counts["by_major"].items() if n
        ],
    }  # fmt: skip


def _shown_on_map(region: Region) -> list[Region]:
    """The regions territory's map draws for `region` (its map.geojson): grids from the
    subdistrict down, child regions above."""
    if region.is_grid:
        return [region]
    if region.level >= Region.Level.SUBDISTRICT:
        return list(Region.objects.within(region).grids().only("pk", "code", "name"))
    return list(Region.objects.filter(parent=region).only("pk", "code", "name"))


def map_config(region: Region) -> dict[str, Any]:
    shown = _shown_on_map(region)
    now = queries.live(layout.REGION, [r.pk for r in shown])
    return {
        "source": reverse("territory:region_map", args=[region.code]),
        "counts": {r.code: now.get(r.pk, {"open": 0, "overdue": 0}) for r in shown},
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "crs": settings.MAP_TILE_CRS,
    }


def child_rows(regions: list[Region], period: Period) -> list[dict[str, Any]]:
    figures = queries.children_kpis(regions, period)
    now = queries.live(layout.REGION, [r.pk for r in regions])
    return [
        row(r.name, region_url(r, period), figures[r.pk], open=now.get(r.pk, {}).get("open", 0))
        for r in regions
    ]


def unit_rows(region: Region, period: Period) -> list[dict[str, Any]]:
    """Units serving the region itself or one level below, busiest first."""
    units = {
        u.pk: u
        for u in Organization.objects.filter(
            subtree_q([region.path], "service_area__path"),
            service_area__level__lte=region.level + 1,
        ).only("pk", "name")
    }
    figures = queries.units_kpis(list(units), period)
    rows = [row(units[pk].name, unit_url(units[pk], period), f) for pk, f in figures.items()]
    rows.sort(key=lambda r: -int(r["reported"]))
    return rows[:UNIT_TABLE_LIMIT]


def unit_url(unit: Organization, period: Period) -> str:
    return reverse("workorders:kpis_unit", args=[unit.pk]) + _query(period)


def person_url(person_id: int, period: Period) -> str:
    return reverse("workorders:kpis_person", args=[person_id]) + _query(period)


def people_rows(unit: Organization, period: Period) -> list[dict[str, Any]]:
    found = queries.people_kpis(unit.pk, period)
    names = dict(
        User.objects.filter(pk__in=[f["person_id"] for f in found]).values_list("pk", "name")
    )
    return [
        row(names.get(f["person_id"], "?"), person_url(f["person_id"], period), f) for f in found
    ]  # fmt: skip


def top_categories(region: Region, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    counts = queries.category_counts(region, period)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    names = dict(Category.objects.filter(pk__in=[pk for pk, _ in top]).values_list("pk", "name"))
    total = sum(counts.values())
    return [
        {"name": names.get(pk, str(pk)), "reported": n, "share": percent(n / total if total else None)}
        for pk, n in top
    ]  # fmt: skip


def labels() -> dict[str, str]:
    return {
        "reported": pgettext("kpi chart", "Reported"),
        "closed": pgettext("kpi chart", "Closed"),
        "overdue": pgettext("kpi chart", "Overdue"),
        "open": _("Open now"),
        "overdue_now": _("Overdue now"),
        "score": _("Score"),
        "no_data": _("No orders in this period"),
    }
