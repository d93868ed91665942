"""The leaders' renovation dashboard: the seed's figures, by district, stage and year, with
charts and a map, all computed from the records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.accounts.http import AuthenticatedHttpRequest
from linli.lib.geo import wgs84_to_gcj02
from linli.renewal import permissions, queries
from linli.renewal.models import RenovationProject, StreetProject
from linli.territory.models import Region


def _cards(s: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline figures as the bureau reports them: 万㎡, 亿元, 万户."""
    return [
        {
            "key": "estates_started",
            "label": _("Estates started"),
            "value": s["estates_started"],
            "unit": pgettext("unit", "estates"),
        },
        {
            "key": "estates_completed",
            "label": _("Estates completed"),
            "value": s["estates_completed"],
            "unit": pgettext("unit", "estates"),
        },
        {
            "key": "floor_area",
            "label": _("Floor area renovated"),
            "value": f"{s['floor_area_m2'] / 10_000:,.0f}",
            "unit": _("10,000 m²"),
        },
        {
            "key": "investment",
            "label": _("Investment"),
            "value": f"{s['investment_yuan'] / 100_000_000:,.2f}",
            "unit": _("100 million yuan"),
        },
        {
            "key": "households",
            "label": _("Households benefited"),
            "value": f"{s['households'] / 10_000:,.1f}",
            "unit": _("10,000 households"),
        },
        {
            "key": "projects",
            "label": _("Projects"),
            "value": s["projects"],
            "unit": pgettext("unit", "projects"),
        },
        {
            "key": "estates_in_projects",
            "label": _("Estates bundled into projects"),
            "value": s["estates_in_projects"],
            "unit": pgettext("unit", "estates"),
        },
        {
            "key": "courtyards_merged",
            "label": _("Courtyards merged"),
            "value": s["courtyards_merged"],
            "unit": pgettext("unit", "courtyards"),
        },
        {
            "key": "access_control",
            "label": _("Estates with new access control"),
            "value": s["estates_with_access_control"],
            "unit": pgettext("unit", "estates"),
        },
        {
            "key": "surveillance",
            "label": _("Estates with surveillance"),
            "value": s["estates_with_surveillance"],
            "unit": pgettext("unit", "estates"),
        },
    ]


def _alley_cards(s: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": "alleys_demonstration",
            "label": _("Demonstration streets"),
            "value": s["alleys_demonstration"],
            "unit": pgettext("unit", "streets"),
        },
        {
            "key": "alleys_completed",
            "label": _("Alleys completed"),
            "value": s["alleys_completed"],
            "unit": pgettext("unit", "alleys"),
        },
        {
            "key": "alleys_in_progress",
            "label": _("Alleys in progress"),
            "value": s["alleys_in_progress"],
            "unit": pgettext("unit", "alleys"),
        },
        {
            "key": "alleys_new_this_year",
            "label": _("Alleys improved this year"),
            "value": s["alleys_new_this_year"],
            "unit": pgettext("unit", "alleys"),
        },
    ]


def _map_points(scope: queries.Scope) -> list[dict[str, Any]]:
    points = queries.map_points(scope)
    if settings.MAP_TILE_CRS == "gcj02":
        for point in points:
            point["lng"], point["lat"] = wgs84_to_gcj02(point["lng"], point["lat"])
    return points


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        asked = queries.scope_from_params(
            district=request.GET.get("district"), year=request.GET.get("year")
        )
    except ValidationError:
        asked = queries.Scope()
    scope = permissions.scope_for(request.user, asked)
    summary = queries.renovation_summary(scope)
    districts = list(permissions.readable_districts(request.user).order_by("code"))
    codes = {d.code for d in districts}
    city = Region.objects.filter(level=Region.Level.CITY).first()
    rows = [r for r in queries.by_district(city, scope.year) if r["code"] in codes] if city else []
    for row in rows:
        row["floor_area_10k"] = f"{row['floor_area_m2'] / 10_000:,.1f}"
        row["investment_100m"] = f"{row['investment_yuan'] / 100_000_000:,.2f}"
    charts = {
        "districts": rows,
        "stages": queries.by_stage(scope),
        "years": queries.by_year(scope),
        "points": _map_points(scope),
    }
    context = {
        "scope": scope,
        "summary": summary,
        "cards": _cards(summary),
        "alley_cards": _alley_cards(summary),
        "districts": districts,
        "years": _years(),
        "rows": rows,
        "charts": charts,
        "chart_labels": _chart_labels(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "renewal/dashboard.html", context)


def _years() -> list[int]:
    batches = set(RenovationProject.objects.values_list("batch_year", flat=True))
    cohorts = set(StreetProject.objects.values_list("cohort_year", flat=True))
    return sorted(batches | cohorts, reverse=True)


def _chart_labels() -> dict[str, str]:
    return {
        "started": _("Started"),
        "completed": _("Completed"),
        "estates": _("Estates"),
        "projects": _("Projects"),
        "investment": _("Investment (100 million yuan)"),
        "floor_area": _("Floor area (10,000 m²)"),
        "alleys_completed": _("Alleys completed"),
        "no_data": _("No records yet"),
        "project": _("Project"),
    }
