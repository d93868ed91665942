"""Browsing the territory: the region tree, a region or grid with its map, estates,
residents (masked, with logged reveals), grid workers' grids and a resident's home."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import RoleAssignment, User
from linli.accounts.services import record_sensitive_access
from linli.territory import queries
from linli.territory.models import Estate, Region
from linli.territory.permissions import (
    GRID_STAFF_ROLES,
    can_list_people,
    can_reveal,
    can_reveal_staff_phone,
    get_region_for,
    get_resident_for,
    region_paths,
    top_regions,
    visible_regions,
    visible_residents,
)

# Fields of a resident that are masked on every page and shown only on request (logged).
REVEALABLE = {
    "phone": gettext_lazy("phone"),
    "id_number": gettext_lazy("ID number"),
    "special_group": gettext_lazy("special group"),
}
PAGE_SIZE = 30
# Estates are drawn as points on maps of communities and grids, not of larger regions.
POINTS_FROM_LEVEL = Region.Level.COMMUNITY


def _map(
    sources: list[str],
    points: list[dict[str, Any]] | None = None,
    features: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the map script needs (read from JSON by static/js/territory-map.js):
    GeoJSON URLs to fetch, features and points given inline, the tile source."""
    return {
        "sources": sources,
        "features": features or [],
        "points": points or [],
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "crs": settings.MAP_TILE_CRS,
        "region_url": reverse("territory:region", args=["__code__"]),
    }


def _estate_points(estates: list[Estate], *, link: bool = True) -> list[dict[str, Any]]:
    return [
        {
            "name": e.name,
            "lng": e.lng,
            "lat": e.lat,
            "url": reverse("territory:estate", args=[e.code]) if link else "",
        }
        for e in estates
        if e.lng is not None and e.lat is not None
    ]


def _outline(region: Region) -> dict[str, Any]:
    """A region's boundary as a GeoJSON feature that links nowhere."""
    return {"type": "Feature", "geometry": region.geometry, "properties": {"name": region.name}}


def _trail(user: User, region: Region) -> list[tuple[Region, bool]]:
    """The regions above `region`, each with whether the user may open it."""
    above = queries.ancestors(region)
    openable = set(
        visible_regions(user).filter(pk__in=[r.pk for r in above]).values_list("pk", flat=True)
    )
    return [(r, r.pk in openable) for r in above]


def _back_url(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    roots = list(top_regions(request.user).defer("geometry"))
    tree = queries.region_tree(roots, queries.OVERVIEW_DEPTH)
    return render(request, "territory/overview.html", {"tree": tree})


@login_required
@require_GET
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_region_for(request.user, code)
    node = queries.region_tree([region], depth=1)[0]
    if request.htmx and request.GET.get("part") == "children":
        return render(request, "territory/_tree.html", {"nodes": node.children})
    grids = [region] if region.is_grid else [c.region for c in node.children if c.region.is_grid]
    estates = list(queries.estates_within(region)) if region.level >= POINTS_FROM_LEVEL else []
    context = {
        "region": region,
        "node": node,
        "trail": _trail(request.user, region),
        "staff": queries.grid_staff(grids),
        "estates": estates if region.is_grid else [],
        "resident_count": region.residents.count() if region.is_grid else None,
        "can_list_people": can_list_people(request.user, region),
        "map": _map([reverse("territory:region_map", args=[region.code])], _estate_points(estates)),
    }
    return render(request, "territory/region.html", context)


@login_required
@require_GET
def region_residents(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_region_for(request.user, code)
    if not can_list_people(request.user, region):
        raise Http404("No such region")
    search = request.GET.get("q", "").strip()[:50]
    residents = queries.residents_within(visible_residents(request.user), region, search=search)
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(r, can_reveal(request.user, r)) for r in page]
    context = {
        "region": region,
        "trail": [*_trail(request.user, region), (region, True)],
        "page": page,
        "rows": rows,
        "q": search,
    }
    return render(request, "territory/residents.html", context)


@login_required
@require_GET
def region_estates(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_region_for(request.user, code)
    search = request.GET.get("q", "").strip()[:50]
    mode = request.GET.get("mode", "")
    if mode not in Estate.PropertyMode.values:
        mode = ""
    estates = queries.estates_within(region, search=search, property_mode=mode)
    page = Paginator(estates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "region": region,
        "trail": [*_trail(request.user, region), (region, True)],
        "page": page,
        "q": search,
        "mode": mode,
        "modes": Estate.PropertyMode.choices,
    }
    return render(request, "territory/estates.html", context)


@login_required
@require_GET
def estate_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    visible = Estate.objects.filter(grid__in=visible_regions(request.user))
    estate = get_object_or_404(
        visible.select_related("grid__parent", "property_company"), code=code
    )
    context = {
        "detail": queries.estate_detail(estate),
        "estate": estate,
        "trail": [*_trail(request.user, estate.grid), (estate.grid, True)],
        "map": _map(
            [reverse("territory:region_map", args=[estate.grid.code])], _estate_points([estate])
        ),
    }
    return render(request, "territory/estate.html", context)


@login_required
@require_GET
def my_grids(request: AuthenticatedHttpRequest) -> HttpResponse:
    paths = region_paths(request.user, GRID_STAFF_ROLES)
    grids = queries.grids_with_counts(paths) if paths else []
    sources = [reverse("territory:region_map", args=[g.code]) for g in grids[:20]]
    context = {
        "grids": grids,
        "staff": queries.grid_staff(grids),
        "map": _map(sources),
    }
    return render(request, "territory/my_grids.html", context)


@login_required
@require_GET
def resident_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = queries.resident_home(request.user)
    # A resident may not browse the territory, so their grid's outline comes with the page.
    grid = home.grid
    outline = [_outline(grid)] if grid is not None and grid.geometry else []
    points = _estate_points([home.estate] if home.estate else [], link=False)
    context = {"home": home, "map": _map([], points, outline)}
    return render(request, "territory/resident_home.html", context)


def _revealed(
    request: AuthenticatedHttpRequest, *, subject: str, label: str, value: str, tel: bool = False
) -> HttpResponse:
    context = {
        "subject": subject,
        "label": label,
        "value": value,
        "tel": tel and bool(value),  # a phone number opens the dialler on a mobile
        "back": _back_url(request),
    }
    if request.htmx:
        return render(request, "territory/reveal.html#revealed", context)
    return render(request, "territory/reveal.html", context)


@login_required
@require_POST
def reveal_resident_field(request: AuthenticatedHttpRequest, pk: int, field: str) -> HttpResponse:
    resident = get_resident_for(request.user, pk)
    if field not in REVEALABLE or not can_reveal(request.user, resident):
        raise Http404("No such field")
    value: str = getattr(resident, field)
    if value:
        record_sensitive_access(
            viewer=request.user, subject=resident, field=field, ip=request.META.get("REMOTE_ADDR")
        )
    return _revealed(
        request,
        subject=resident.name,
        label=str(REVEALABLE[field]),
        value=value or _("none"),
        tel=field == "phone" and bool(value),
    )


@login_required
@require_POST
def reveal_staff_phone(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment.objects.active().select_related("user", "region"), pk=pk
    )
    if not can_reveal_staff_phone(request.user, assignment):
        raise Http404("No such person")
    staff = assignment.user
    record_sensitive_access(
        viewer=request.user, subject=staff, field="phone", ip=request.META.get("REMOTE_ADDR")
    )
    return _revealed(
        request, subject=staff.name, label=str(REVEALABLE["phone"]), value=staff.phone, tel=True
    )
