"""Grids from GeoJSON: a FeatureCollection of Polygon/MultiPolygon features whose
properties carry code, name and parent_code (the community's 12-digit code).

Everything is checked before anything is written: the file's shape, each feature's
properties and geometry, duplicate codes, parents, containment in the community and
overlaps with each other and with the grids already stored (found with an STRtree).
Grids whose code already exists are updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from linli.accounts.models import User
from linli.lib.ledger import CellError, ImportFailed, ImportProblem, parse_non_negative_int
from linli.territory.imports.base import (
    ImportKind,
    ImportSummary,
    Tally,
    Tracker,
    audit_import,
    no_tracking,
)
from linli.territory.imports.cells import parse_division_code, parse_plain_code, parse_text
from linli.territory.imports.geojson import (
    GeometryError,
    InputCrs,
    area_m2,
    load_feature_collection,
    read_geometry,
)
from linli.territory.imports.writing import create_regions, update_regions
from linli.territory.models import Region
from linli.territory.services import bump_territory_version

PARENT_KEYS = ("parent_code", "parent-code", "parentCode")
KIND_LABELS = {
    "general": Region.Kind.GENERAL_GRID,
    "dedicated": Region.Kind.DEDICATED_GRID,
    "综合网格": Region.Kind.GENERAL_GRID,
    "专属网格": Region.Kind.DEDICATED_GRID,
    "综合": Region.Kind.GENERAL_GRID,
    "专属": Region.Kind.DEDICATED_GRID,
}
# Two grids may share a border; an overlap counts when it is larger than this many square
# metres and this share of the smaller grid (digitising noise along a shared edge is not).
OVERLAP_MIN_M2 = 1.0
OVERLAP_MIN_SHARE = 0.001
# Share of a grid's area that may stick out of its community before it is refused.
OUTSIDE_MAX_SHARE = 0.01
OUTSIDE_MIN_M2 = 1.0


@dataclass
class GridFeature:
    number: int  # 1-based position in the file's features
    code: str
    name: str
    parent_code: str
    kind: str | None = None
    households: int | None = None
    population: int | None = None
    geometry: dict[str, Any] | None = None
    shape: BaseGeometry | None = None

    def label(self) -> str:
        return feature_label(self.number, self.code, self.name)


@dataclass
class GridPlan:
    features: list[GridFeature]
    parents: dict[str, Region]
    existing: dict[str, Region]
    problems: list[tuple[int, ImportProblem]] = field(default_factory=list)


def feature_label(number: int, code: str = "", name: str = "") -> str:
    who = " ".join(p for p in (code, name) if p)
    if who:
        return _("feature %(number)d (%(who)s)") % {"number": number, "who": who}
    return _("feature %(number)d") % {"number": number}


def _property(props: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = props.get(key)
        if value is not None and str(value).strip() != "":
            return value
    return None


def _read_feature(
    number: int, raw: Any, gcj02: bool, problems: list[tuple[int, ImportProblem]]
) -> GridFeature:
    props = raw.get("properties") if isinstance(raw, dict) else None
    props = props if isinstance(props, dict) else {}
    code = str(_property(props, "code") or "").strip()
    name = str(_property(props, "name") or "").strip()
    feature = GridFeature(number, code, name, parent_code="")
    label = feature.label()

    def problem(column: str | None, message: str) -> None:
        problems.append((number, ImportProblem(label, None, column, message)))

    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        problem(None, _("This is not a GeoJSON Feature."))
        return feature
    parsers: list[tuple[str, tuple[str, ...], Any, bool]] = [
        ("code", ("code",), parse_plain_code, True),
        ("name", ("name",), parse_text(100), True),
        ("parent_code", PARENT_KEYS, parse_division_code, True),
        ("kind", ("kind",), _parse_kind, False),
        ("households", ("households",), parse_non_negative_int, False),
        ("population", ("population",), parse_non_negative_int, False),
    ]
    for attr, keys, parse, required in parsers:
        value = _property(props, *keys)
        if value is None:
            if required:
                problem(keys[0], _("This property is required."))
            continue
        try:
            setattr(feature, attr, parse(value))
        except (CellError, ValueError, TypeError) as exc:
            problem(keys[0], str(exc))
    try:
        feature.geometry, feature.shape = read_geometry(raw.get("geometry"), gcj02)
    except GeometryError as exc:
        problem("geometry", str(exc))
    return feature


def _parse_kind(value: Any) -> str:
    text = str(value).strip()
    if text not in KIND_LABELS:
        raise CellError(_("Expected one of: %(options)s.") % {"options": "、".join(KIND_LABELS)})
    return KIND_LABELS[text]


def read_grids(data: bytes, *, crs: str = InputCrs.WGS84) -> GridPlan:
    """Parse and check a GeoJSON file. Raises ImportFailed listing every problem."""
    raw_features = load_feature_collection(data)
    gcj02 = crs == InputCrs.GCJ02
    problems: list[tuple[int, ImportProblem]] = []
    features = [_read_feature(n, raw, gcj02, problems) for n, raw in enumerate(raw_features, 1)]
    plan = GridPlan(features=features, parents={}, existing={}, problems=problems)
    _check_codes(plan)
    _check_parents(plan)
    _check_containment(plan)
    _check_overlaps(plan)
    if plan.problems:
        plan.problems.sort(key=lambda item: item[0])
        raise ImportFailed([p for _n, p in plan.problems])
    return plan


def _add(plan: GridPlan, feature: GridFeature, column: str, message: str) -> None:
    plan.problems.append((feature.number, ImportProblem(feature.label(), None, column, message)))


def _check_codes(plan: GridPlan) -> None:
    first: dict[str, GridFeature] = {}
    for feature in plan.features:
        if not feature.code:
            continue
        if feature.code in first:
            _add(
                plan,
                feature,
                "code",
                _("The code %(code)s is also used by %(other)s.")
                % {"code": feature.code, "other": first[feature.code].label()},
            )
        else:
            first[feature.code] = feature
    for region in Region.objects.filter(code__in=list(first)).select_related("parent"):
        if region.level == Region.Level.GRID:
            plan.existing[region.code] = region
            continue
        _add(
            plan,
            first[region.code],
            "code",
            _("The code %(code)s already belongs to the %(level)s %(name)s.")
            % {"code": region.code, "level": region.get_level_display(), "name": region.name},
        )


def _check_parents(plan: GridPlan) -> None:
    codes = {f.parent_code for f in plan.features if f.parent_code}
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for feature in plan.features:
        if not feature.parent_code:
            continue
        parent = found.get(feature.parent_code)
        if parent is None:
            _add(
                plan,
                feature,
                "parent_code",
                _("No community has the code %(code)s.") % {"code": feature.parent_code},
            )
        elif parent.level != Region.Level.COMMUNITY:
            _add(
                plan,
                feature,
                "parent_code",
                _(
                    "%(name)s (%(code)s) is a %(level)s; a grid must belong to a community or village."
                )
                % {"name": parent.name, "code": parent.code, "level": parent.get_level_display()},
            )
        else:
            plan.parents[parent.code] = parent


def _stored_shape(geometry: dict[str, Any] | None) -> BaseGeometry | None:
    if not geometry:
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


def _check_containment(plan: GridPlan) -> None:
    boundaries = {code: _stored_shape(p.geometry) for code, p in plan.parents.items()}
    for feature in plan.features:
        boundary = boundaries.get(feature.parent_code)
        if boundary is None or feature.shape is None:
            continue
        outside = feature.shape.difference(boundary).area
        share = outside / feature.shape.area
        outside_m2 = area_m2(outside, feature.shape.centroid.y)
        if share <= OUTSIDE_MAX_SHARE or outside_m2 <= OUTSIDE_MIN_M2:
            continue
        community = plan.parents[feature.parent_code]
        if share >= 0.999:
            message = _("The grid lies outside its community %(name)s (%(code)s).")
        else:
            message = _(
                "About %(m2).0f m² (%(share).0f%%) of the grid lies outside its community "
                "%(name)s (%(code)s)."
            )
        _add(
            plan,
            feature,
            "geometry",
            message
            % {
                "m2": outside_m2,
                "share": share * 100,
                "name": community.name,
                "code": community.code,
            },
        )


def _check_overlaps(plan: GridPlan) -> None:
    """Pairs of grids whose areas overlap, among the file's grids and against the stored
    ones that the file does not replace. STRtree finds candidates in O(n log n)."""
    mine = [f for f in plan.features if f.shape is not None]
    if not mine:
        return
    stored = (
        Region.objects.grids()
        .exclude(code__in=[f.code for f in plan.features if f.code])
        .exclude(geometry__isnull=True)
        .select_related("parent")
        .only("code", "name", "geometry", "parent__name")
    )
    others: list[Region] = []
    other_shapes: list[BaseGeometry] = []
    for region in stored:
        geom = _stored_shape(region.geometry)
        if geom is not None and not geom.is_empty:
            others.append(region)
            other_shapes.append(geom)
    shapes = np.array([f.shape for f in mine] + other_shapes, dtype=object)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes[: len(mine)], predicate="intersects")
    keep = left < right  # each pair once; a grid never overlaps itself
    left, right = left[keep], right[keep]
    if not len(left):
        return
    areas = shapely.area(shapely.intersection(shapes[left], shapes[right]))
    smaller = np.minimum(shapely.area(shapes[left]), shapely.area(shapes[right]))
    for i, j, area, small in zip(left, right, areas, smaller, strict=True):
        feature = mine[int(i)]
        m2 = area_m2(float(area), feature.shape.centroid.y)  # type: ignore[union-attr]
        if m2 <= OVERLAP_MIN_M2 or area <= OVERLAP_MIN_SHARE * small:
            continue
        if j < len(mine):
            # Both in the file: report it on the later feature, naming the earlier one.
            feature, earlier = mine[int(j)], feature
            message = _("The grid overlaps %(other)s by about %(m2).0f m².") % {
                "other": earlier.label(),
                "m2": m2,
            }
        else:
            region = others[int(j) - len(mine)]
            message = _(
                "The grid overlaps the stored grid %(code)s %(name)s of %(community)s by about "
                "%(m2).0f m²."
            ) % {
                "code": region.code,
                "name": region.name,
                "community": region.parent.name if region.parent else "",
                "m2": m2,
            }
        _add(plan, feature, "geometry", message)


def write_grids(
    plan: GridPlan, *, actor: User | None, track: Tracker = no_tracking, source: str = ""
) -> ImportSummary:
    """Write a checked plan in one transaction; one territory version bump, one audit entry."""
    tally = Tally(gettext_lazy("grids"))
    new: list[Region] = []
    changed: list[Region] = []
    with transaction.atomic():
        for feature in track(plan.features, str(_("grids"))):
            parent = plan.parents[feature.parent_code]
            region = plan.existing.get(feature.code)
            if region is None:
                region = Region(
                    code=feature.code,
                    level=Region.Level.GRID,
                    parent=parent,
                    kind=feature.kind or Region.Kind.GENERAL_GRID,
                )
                new.append(region)
            else:
                region.parent = parent
                changed.append(region)
            region.name = feature.name
            region.geometry = feature.geometry
            if feature.kind is not None:
                region.kind = feature.kind
            if feature.households is not None:
                region.households = feature.households
            if feature.population is not None:
                region.population = feature.population
        create_regions(new)
        fields = ["name", "kind", "parent", "geometry", "households", "population"]
        update_regions(changed, fields)
        tally.created, tally.updated = len(new), len(changed)
        bump_territory_version()
        summary = ImportSummary(kind=ImportKind.GRIDS, tallies=[tally])
        audit_import(
            actor=actor, summary=summary, paths=[r.path for r in new + changed], source=source
        )
    return summary
