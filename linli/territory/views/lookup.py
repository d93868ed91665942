"""Map data and the point lookup, as JSON."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import Role, RoleAssignment
from linli.territory import gridindex
from linli.territory.models import Region, subtree_q
from linli.territory.permissions import get_region_for

_JSON = {"ensure_ascii": False}


class LookupForm(forms.Form):
    lng = forms.FloatField(label=gettext_lazy("longitude (lng)"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=gettext_lazy("latitude (lat)"), min_value=-90, max_value=90)
    crs = forms.ChoiceField(
        label=gettext_lazy("coordinate system (crs)"),
        choices=[("wgs84", "WGS84"), ("gcj02", "GCJ-02")],
        required=False,
    )


@login_required
@require_GET
def resolve(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET ?lng=&lat=&crs=wgs84|gcj02 → the grid holding the point and the regions above it,
    or found=false with the nearest grid."""
    form = LookupForm(request.GET)
    if not form.is_valid():
        errors = {
            name: f"{form.fields[name].label}：{' '.join(str(m) for m in messages)}"
            for name, messages in form.errors.items()
        }
        return JsonResponse({"error": " ".join(errors.values()), "errors": errors}, status=400,
                            json_dumps_params=_JSON)  # fmt: skip
    lng, lat, crs = form.cleaned_data["lng"], form.cleaned_data["lat"], form.cleaned_data["crs"]
    result = gridindex.resolve(lng, lat, crs=crs or "wgs84")
    return JsonResponse(_resolution_json(result), json_dumps_params=_JSON)


def _resolution_json(result: gridindex.Resolution) -> dict[str, Any]:
    nearest = None
    if result.nearest is not None:
        nearest = {
            "code": result.nearest.code,
            "name": result.nearest.name,
            "distance_m": result.distance_m,
        }
    return {
        "found": result.found,
        "grid": {"code": result.grid.code, "name": result.grid.name} if result.grid else None,
        "chain": [ref.as_dict() for ref in result.chain],
        "nearest": nearest,
        "message": "" if result.found else _("This point is not in any grid."),
    }


@login_required
@require_GET
def region_map(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """GeoJSON for the map: a grid itself; a subdistrict's or community's grids; a city's or
    district's child regions (thousands of grid polygons would swamp a phone)."""
    region = get_region_for(request.user, code)
    if region.is_grid:
        shown = Region.objects.filter(pk=region.pk)
    elif region.level >= Region.Level.SUBDISTRICT:
        shown = Region.objects.within(region).grids()
    else:
        shown = Region.objects.filter(parent=region)
    rows = list(
        shown.exclude(geometry=None)
        .order_by("code")
        .values("pk", "code", "name", "level", "parent_id", "households", "population", "geometry")
    )
    staff = _staff_names(region) if region.level >= Region.Level.SUBDISTRICT else {}
    features = [
        {
            "type": "Feature",
            "geometry": r["geometry"],
            "properties": {
                "code": r["code"],
                "name": r["name"],
                "level": r["level"],
                "households": r["households"],
                "population": r["population"],
                "workers": staff.get((r["pk"], Role.GRID_WORKER), []),
                "leaders": staff.get((r["pk"], Role.GRID_LEADER), [])
                + staff.get((r["parent_id"], Role.GRID_LEADER), []),
            },
        }
        for r in rows
    ]
    collection = {"type": "FeatureCollection", "features": features}
    response = JsonResponse(collection, json_dumps_params=_JSON)
    response["Content-Type"] = "application/geo+json"
    return response


def _staff_names(region: Region) -> dict[tuple[int, str], list[str]]:
    """Names of the grid workers and grid leaders in the region, its subtree and its parent
    (a grid's leader usually holds the role in the grid's community)."""
    names: dict[tuple[int, str], list[str]] = {}
    rows = (
        RoleAssignment.objects.active()
        .filter(subtree_q([region.path], "region__path") | Q(region_id=region.parent_id))
        .filter(role__in=[Role.GRID_WORKER, Role.GRID_LEADER])
        .order_by("user__name", "pk")
        .values_list("region_id", "role", "user__name")
    )
    for region_id, role, name in rows:
        names.setdefault((region_id, role), []).append(name)
    return names
