"""Writes to the territory. Every change of grid geometry bumps the territory version so
that each process's point index rebuilds."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from shapely.geometry import shape

from linli.accounts.models import User
from linli.accounts.services import record_audit
from linli.territory import gridindex
from linli.territory.models import Region, TerritoryVersion

_CHILD_LEVEL = {
    Region.Level.CITY: Region.Level.DISTRICT,
    Region.Level.DISTRICT: Region.Level.SUBDISTRICT,
    Region.Level.SUBDISTRICT: Region.Level.COMMUNITY,
    Region.Level.COMMUNITY: Region.Level.GRID,
}


def bump_territory_version() -> None:
    updated = TerritoryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        TerritoryVersion.objects.create(pk=1, version=1)
    # This process rebuilds its point index at once (and again once the change is committed);
    # other processes notice the new version.
    gridindex.invalidate()
    transaction.on_commit(gridindex.invalidate)


def geometry_centroid(geometry: dict[str, Any] | None) -> tuple[float | None, float | None]:
    if not geometry:
        return None, None
    point = shape(geometry).representative_point()
    return point.x, point.y


def create_region(
    *,
    code: str,
    name: str,
    level: int,
    kind: str,
    parent: Region | None,
    geometry: dict[str, Any] | None = None,
    households: int = 0,
    population: int = 0,
    actor: User | None = None,
    audit: bool = True,
) -> Region:
    """Create one region below `parent` with its materialised path."""
    if parent is None and level != Region.Level.CITY:
        raise ValidationError(_("Only a city may have no parent."))
    if parent is not None and _CHILD_LEVEL.get(Region.Level(parent.level)) != level:
        raise ValidationError(
            _("A %(child)s cannot sit directly under a %(parent)s.")
            % {
                "child": Region.Level(level).label,
                "parent": Region.Level(parent.level).label,
            }
        )
    lng, lat = geometry_centroid(geometry)
    with transaction.atomic():
        region = Region(
            code=code,
            name=name,
            level=level,
            kind=kind,
            parent=parent,
            geometry=geometry,
            centroid_lng=lng,
            centroid_lat=lat,
            households=households,
            population=population,
            path="/",
        )
        region.full_clean(exclude=["path"])
        region.save()
        region.path = f"{parent.path if parent else '/'}{region.pk}/"
        region.save(update_fields=["path"])
        if geometry and level == Region.Level.GRID:
            bump_territory_version()
        if audit:
            record_audit(
                actor=actor, action="region.create", target=region, summary=f"{code} {name}"
            )
    return region


def set_region_geometry(
    *, region: Region, geometry: dict[str, Any] | None, actor: User | None
) -> None:
    region.geometry = geometry
    region.centroid_lng, region.centroid_lat = geometry_centroid(geometry)
    with transaction.atomic():
        region.save(update_fields=["geometry", "centroid_lng", "centroid_lat", "updated_at"])
        if region.is_grid:
            bump_territory_version()
        record_audit(actor=actor, action="region.geometry", target=region, summary=region.code)
