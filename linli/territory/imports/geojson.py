"""Reading GeoJSON for grid imports: the FeatureCollection, and each feature's Polygon or
MultiPolygon checked (shape, WGS84 range, validity) and converted from GCJ-02 if asked."""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from linli.lib.geo import gcj02_to_wgs84
from linli.territory.imports.base import file_problem

# Names a legacy GeoJSON "crs" member may carry for longitude/latitude on WGS84 or CGCS2000.
LNG_LAT_CRS = ("CRS84", "EPSG::4326", "EPSG:4326", "EPSG::4490", "EPSG:4490")

M_PER_DEGREE_LAT = 110_574.0
M_PER_DEGREE_LNG_EQUATOR = 111_320.0


class InputCrs(models.TextChoices):
    WGS84 = "wgs84", gettext_lazy("WGS84 / CGCS2000 (GPS, Tianditu)")
    GCJ02 = "gcj02", gettext_lazy("GCJ-02 (AMap, Tencent maps, WeChat)")


class GeometryError(ValueError):
    """A feature's geometry was refused; the message says why."""


def area_m2(area_deg2: float, lat: float) -> float:
    return area_deg2 * M_PER_DEGREE_LAT * M_PER_DEGREE_LNG_EQUATOR * math.cos(math.radians(lat))


def load_feature_collection(data: bytes) -> list[Any]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise file_problem(_("This is not a GeoJSON file: it is not valid JSON.")) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise file_problem(_("The file must hold a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise file_problem(_("The FeatureCollection has no features."))
    crs = document.get("crs")
    if isinstance(crs, dict):
        name = str((crs.get("properties") or {}).get("name", ""))
        if name and not any(name.upper().endswith(known) for known in LNG_LAT_CRS):
            raise file_problem(
                _(
                    "The file declares the coordinate system %(crs)s; export longitude and "
                    "latitude (WGS84 or GCJ-02) instead."
                )
                % {"crs": name}
            )
    return features


def _position(value: Any, gcj02: bool) -> list[float]:
    if not isinstance(value, list) or len(value) < 2:
        raise GeometryError(_("A position must be a [longitude, latitude] pair."))
    lng, lat = value[0], value[1]
    for number in (lng, lat):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeometryError(_("A coordinate is not a number: %(value)s.") % {"value": number})
        if not math.isfinite(number):
            raise GeometryError(_("A coordinate is not a finite number."))
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        hint = ""
        if abs(lng) > 1000 or abs(lat) > 1000:
            hint = " " + _("These look like projected metres; export longitude and latitude.")
        elif -90 <= lng <= 90 and -180 <= lat <= 180:
            hint = " " + _("Longitude and latitude may be swapped.")
        raise GeometryError(
            _("The position %(lng)s, %(lat)s lies outside the WGS84 range.")
            % {"lng": lng, "lat": lat}
            + hint
        )
    if gcj02:
        lng, lat = gcj02_to_wgs84(float(lng), float(lat))
    return [float(lng), float(lat)]


def _rings(value: Any, gcj02: bool) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise GeometryError(_("A polygon needs at least one ring of positions."))
    rings = []
    for ring in value:
        if not isinstance(ring, list) or len(ring) < 4:
            raise GeometryError(_("A polygon ring needs at least four positions."))
        rings.append([_position(p, gcj02) for p in ring])
    return rings


def read_geometry(value: Any, gcj02: bool) -> tuple[dict[str, Any], BaseGeometry]:
    if not isinstance(value, dict):
        raise GeometryError(_("The feature has no geometry."))
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        converted: Any = _rings(coordinates, gcj02)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError(_("A MultiPolygon needs at least one polygon."))
        converted = [_rings(polygon, gcj02) for polygon in coordinates]
    else:
        raise GeometryError(
            _("The geometry is a %(type)s; a grid needs a Polygon or MultiPolygon.")
            % {"type": kind or _("nothing")}
        )
    geometry = {"type": kind, "coordinates": converted}
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(_("The geometry cannot be read: %(error)s") % {"error": exc}) from exc
    if not geom.is_valid:
        raise GeometryError(
            _("The geometry is invalid: %(reason)s.") % {"reason": explain_validity(geom)}
        )
    if geom.is_empty or geom.area == 0:
        raise GeometryError(_("The geometry has no area."))
    return geometry, geom
