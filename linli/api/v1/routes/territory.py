"""Regions and grids (browsing the tree, one region, the grids of a region) and the point
lookup. Scoped exactly as the territory pages: `territory.permissions`."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from linli.api.access.security import PERSON
from linli.api.v1 import present
from linli.api.v1.pagination import Ordering, paginate
from linli.api.v1.routes.auth import person
from linli.api.v1.routes.common import Cursor, Limit, RegionCode
from linli.api.v1.schemas import Crs, LookupOut, RegionDetailOut, RegionPage
from linli.territory import gridindex, queries
from linli.territory.models import Region, RegionQuerySet
from linli.territory.permissions import get_region_for, top_regions, visible_regions

router = Router(tags=["territory"], auth=PERSON)

BY_CODE = Ordering("code", [("code", "str")], descending=False)


def _page(regions: RegionQuerySet, cursor: str | None, limit: int) -> dict[str, Any]:
    page = paginate(
        regions.select_related("parent").defer("geometry", "parent__geometry"),
        BY_CODE,
        cursor=cursor,
        limit=limit,
        values=lambda r: [r.code],
    )
    ids = [r.pk for r in page.items]
    parents = set(
        Region.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True).distinct()
    )
    return {
        "items": [present.region(r, has_children=r.pk in parents) for r in page.items],
        "next_cursor": page.next_cursor,
    }


@router.get("/regions", response=RegionPage, summary="Your top regions")
def region_roots(request: HttpRequest, cursor: Cursor = None, limit: Limit = 20) -> dict[str, Any]:
    """Where your territory tree starts: the regions your roles are held in (the city for
    admins). Residents have none (their home grid is in /me)."""
    return _page(top_regions(person(request)), cursor, limit)


@router.get("/regions/{code}", response=RegionDetailOut, summary="One region or grid")
def region_detail(request: HttpRequest, code: RegionCode, geometry: bool = False) -> dict[str, Any]:
    region = get_region_for(person(request), code)
    totals = queries.subtree_counts([region.path]).get(region.pk, queries.RegionCounts())
    has_children = Region.objects.filter(parent=region).exists()
    return {
        **present.region(region, has_children=has_children),
        "ancestors": [present.region_ref(r) for r in queries.ancestors(region)],
        "totals": vars(totals),
        "geometry": region.geometry if geometry else None,
    }


@router.get("/regions/{code}/children", response=RegionPage, summary="The regions below one")
def region_children(
    request: HttpRequest, code: RegionCode, cursor: Cursor = None, limit: Limit = 20
) -> dict[str, Any]:
    region = get_region_for(person(request), code)
    return _page(Region.objects.filter(parent=region), cursor, limit)


@router.get("/grids", response=RegionPage, summary="Grids you may see")
def grids(
    request: HttpRequest,
    region: Annotated[
        str | None, Query(None, max_length=32, description="Within this region.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    user = person(request)
    found = visible_regions(user).grids()
    if region:
        found = found.within(get_region_for(user, region))
    return _page(found, cursor, limit)


@router.get("/lookup", response=LookupOut, summary="Which grid holds a point")
def lookup(
    request: HttpRequest,
    lng: Annotated[float, Query(..., ge=-180, le=180, allow_inf_nan=False)],
    lat: Annotated[float, Query(..., ge=-90, le=90, allow_inf_nan=False)],
    crs: Crs = "wgs84",
) -> dict[str, Any]:
    """The grid holding the point and the regions above it; outside every grid, found=false
    with the nearest grid. Points from Chinese map SDKs are GCJ-02: say crs=gcj02."""
    person(request)
    result = gridindex.resolve(lng, lat, crs=crs)
    nearest = None
    if result.nearest is not None:
        nearest = {
            "code": result.nearest.code,
            "name": result.nearest.name,
            "distance_m": result.distance_m,
        }
    return {
        "found": result.found,
        "grid": result.grid.as_dict() if result.grid else None,
        "chain": [ref.as_dict() for ref in result.chain],
        "nearest": nearest,
        "message": "" if result.found else _("This point is not in any grid."),
    }
