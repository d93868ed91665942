"""Where the demo city's grids lie: polygons that tessellate built-up areas, by construction.

Each township gets a lattice of jittered points (urban cells about 330 × 300 m, rural ones
about 520 × 480 m). A community or village is a rectangular block of lattice cells and each of
its cells is one grid, so neighbouring grids share their edges exactly (they cannot overlap)
and a community's boundary is the outline of its block. Urban communities touch; villages are
kept apart by a one-cell gap. Townships are packed in shelves around their district's
approximate real position (鹤山区 north, 淇滨区 centre, 浚县 east …); if the districts grow
so large that they would overlap (megacity), their offsets from the centre are scaled up.
Grids are numbered west → east and north → south inside each community.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from linli.territory.demo.divisions import Division

ORIGIN = (114.30, 35.75)  # lng, lat the local metres are measured from
# Approximate real centres of the county-level units (lng, lat).
ANCHORS = {
    "410602": (114.16, 35.94),  # 鹤山区
    "410603": (114.20, 35.89),  # 山城区
    "410611": (114.30, 35.75),  # 淇滨区
    "410621": (114.55, 35.67),  # 浚县
    "410622": (114.20, 35.62),  # 淇县
    "410671": (114.28, 35.68),  # 鹤壁经济技术开发区
}
TOWNSHIP_GAP_M = 400.0
DISTRICT_MARGIN_M = 1500.0
CORNER_JITTER = 0.18  # of a cell's width/height
MIDPOINT_JITTER = 0.08


@dataclass(frozen=True)
class CellSpec:
    width_m: float
    height_m: float
    gap_cells: int


URBAN_CELL = CellSpec(330.0, 300.0, 0)
RURAL_CELL = CellSpec(520.0, 480.0, 1)

_KY = 111132.92 - 559.82 * math.cos(2 * math.radians(ORIGIN[1]))
_KX = 111412.84 * math.cos(math.radians(ORIGIN[1])) - 93.5 * math.cos(3 * math.radians(ORIGIN[1]))


@dataclass
class CityGeometry:
    """GeoJSON (WGS84) for every laid-out division, and each community's grids in order."""

    boundaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    grids: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # A point well inside each grid, and the grid's cell size in metres (for placing estates).
    grid_centres: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def block_shape(grid_count: int) -> tuple[int, int]:
    """Columns and rows of the block that holds about `grid_count` grids."""
    rows = max(1, int(math.sqrt(grid_count / 1.2)))
    return max(1, round(grid_count / rows)), rows


def shelf_pack(
    sizes: list[tuple[float, float]], gap: float, target_width: float
) -> tuple[list[tuple[float, float]], float, float]:
    """Place rectangles left to right in rows; (positions of top-left corners, width, height)."""
    x = y = shelf = width = 0.0
    positions = []
    for w, h in sizes:
        if x > 0 and x + w > target_width:
            y += shelf + gap
            x = shelf = 0.0
        positions.append((x, y))
        x += w + gap
        shelf = max(shelf, h)
        width = max(width, x - gap)
    return positions, width, y + shelf


@dataclass
class _Township:
    division: Division
    cell: CellSpec
    communities: list[tuple[Division, int, int]]  # division, columns, rows
    positions: list[tuple[float, float]] = field(default_factory=list)
    columns: int = 0
    rows: int = 0

    def plan(self) -> None:
        gap = self.cell.gap_cells
        sizes = [(float(c), float(r)) for _, c, r in self.communities]
        area = sum((w + gap) * (h + gap) for w, h in sizes)
        target = max(max(w for w, _ in sizes), math.ceil(math.sqrt(area) * 1.15))
        positions, width, height = shelf_pack(sizes, gap, target)
        self.positions = positions
        self.columns, self.rows = int(width), int(height)

    @property
    def size_m(self) -> tuple[float, float]:
        return self.columns * self.cell.width_m, self.rows * self.cell.height_m


def layout_city(city: Division, grid_counts: dict[str, int], rng: random.Random) -> CityGeometry:
    """Lay out the communities in `grid_counts` (code → number of grids wanted)."""
    jitter = np.random.default_rng(rng.getrandbits(64))
    districts: list[tuple[Division, list[_Township]]] = []
    for district in city.children:
        townships = []
        ordered = sorted(district.children, key=lambda t: (not t.is_urban, t.code))
        for township in ordered:
            members = [
                (c, *block_shape(grid_counts[c.code]))
                for c in township.children
                if c.code in grid_counts
            ]
            if members:
                cell = URBAN_CELL if township.is_urban else RURAL_CELL
                plan = _Township(township, cell, members)
                plan.plan()
                townships.append(plan)
        if townships:
            districts.append((district, townships))

    # Pack each district's townships, then place the districts around their anchors.
    placed: list[tuple[Division, list[_Township], list[tuple[float, float]], float, float]] = []
    for district, townships in districts:
        sizes = [t.size_m for t in townships]
        area = sum((w + TOWNSHIP_GAP_M) * (h + TOWNSHIP_GAP_M) for w, h in sizes)
        target = max(max(w for w, _ in sizes), math.sqrt(area) * 1.15)
        positions, width, height = shelf_pack(sizes, TOWNSHIP_GAP_M, target)
        placed.append((district, townships, positions, width, height))
    centres = _spread_districts([(d.code[:6], w, h) for d, _, _, w, h in placed])

    geometry = CityGeometry()
    hulls = []
    for (district, townships, positions, width, height), (cx, cy) in zip(
        placed, centres, strict=True
    ):
        left, top = cx - width / 2, cy + height / 2
        outlines = []
        for plan, (tx, ty) in zip(townships, positions, strict=True):
            outlines.append(_lay_township(plan, left + tx, top - ty, jitter, geometry))
        hull = shapely.convex_hull(shapely.MultiPolygon(outlines))
        geometry.boundaries[district.code] = _geojson(hull)
        hulls.append(hull)
    if hulls:
        geometry.boundaries[city.code] = _geojson(shapely.convex_hull(shapely.union_all(hulls)))
    return geometry


def _spread_districts(rects: list[tuple[str, float, float]]) -> list[tuple[float, float]]:
    """Centres as near each district's real position as they can be without overlapping:
    the largest district takes its place first, each next one the free spot nearest to its
    anchor (searched in widening rings)."""
    anchors = [_to_metres(*ANCHORS.get(code, ORIGIN)) for code, _, _ in rects]
    centres: list[tuple[float, float] | None] = [None] * len(rects)
    step = 500.0

    def free(k: int, x: float, y: float) -> bool:
        return all(
            abs(x - c[0]) >= (rects[k][1] + rects[n][1]) / 2 + DISTRICT_MARGIN_M
            or abs(y - c[1]) >= (rects[k][2] + rects[n][2]) / 2 + DISTRICT_MARGIN_M
            for n, c in enumerate(centres)
            if c is not None
        )

    for k in sorted(range(len(rects)), key=lambda k: -rects[k][1] * rects[k][2]):
        ax, ay = anchors[k]
        radius = 0.0
        while centres[k] is None:
            turns = max(1, int(2 * math.pi * radius / step))
            for t in range(turns):
                angle = 2 * math.pi * t / turns
                x, y = ax + radius * math.cos(angle), ay + radius * math.sin(angle)
                if free(k, x, y):
                    centres[k] = (x, y)
                    break
            radius += step
    return [c for c in centres if c is not None]


def _lay_township(
    township: _Township,
    left: float,
    top: float,
    jitter: np.random.Generator,
    geometry: CityGeometry,
) -> shapely.Polygon:
    cw, ch = township.cell.width_m, township.cell.height_m
    cols, rows = township.columns, township.rows
    # Lattice points P[j, i] (j = 0 is the northern edge) and the midpoints of the
    # horizontal (H) and vertical (V) edges, all jittered so that grids look drawn by hand.
    ii, jj = np.meshgrid(np.arange(cols + 1), np.arange(rows + 1))
    px = left + ii * cw + jitter.uniform(-CORNER_JITTER, CORNER_JITTER, ii.shape) * cw
    py = top - jj * ch + jitter.uniform(-CORNER_JITTER, CORNER_JITTER, ii.shape) * ch
    hx = (px[:, :-1] + px[:, 1:]) / 2 + jitter.uniform(
        -1, 1, (rows + 1, cols)
    ) * MIDPOINT_JITTER * cw
    hy = (py[:, :-1] + py[:, 1:]) / 2 + jitter.uniform(
        -1, 1, (rows + 1, cols)
    ) * MIDPOINT_JITTER * ch
    vx = (px[:-1, :] + px[1:, :]) / 2 + jitter.uniform(
        -1, 1, (rows, cols + 1)
    ) * MIDPOINT_JITTER * cw
    vy = (py[:-1, :] + py[1:, :]) / 2 + jitter.uniform(
        -1, 1, (rows, cols + 1)
    ) * MIDPOINT_JITTER * ch
    lattice = _Lattice(px, py, hx, hy, vx, vy)

    for (community, columns, nrows), (bx, by) in zip(
        township.communities, township.positions, strict=True
    ):
        i0, j0 = int(bx), int(by)
        geometry.boundaries[community.code] = _polygon(lattice.outline(i0, j0, columns, nrows))
        grids, centres = [], []
        for j in range(j0, j0 + nrows):
            for i in range(i0, i0 + columns):
                grids.append(_polygon(lattice.outline(i, j, 1, 1)))
                x = (px[j, i] + px[j, i + 1] + px[j + 1, i] + px[j + 1, i + 1]) / 4
                y = (py[j, i] + py[j, i + 1] + py[j + 1, i] + py[j + 1, i + 1]) / 4
                centres.append(_to_lnglat(x, y))
        geometry.grids[community.code] = grids
        geometry.grid_centres[community.code] = centres
    ring = lattice.outline(0, 0, cols, rows)
    geometry.boundaries[township.division.code] = _polygon(ring)
    return shapely.Polygon(ring)


@dataclass
class _Lattice:
    px: np.ndarray
    py: np.ndarray
    hx: np.ndarray
    hy: np.ndarray
    vx: np.ndarray
    vy: np.ndarray

    def outline(self, i0: int, j0: int, columns: int, rows: int) -> list[tuple[float, float]]:
        """The counter-clockwise ring around cells [i0, i0+columns) × [j0, j0+rows)."""
        i1, j1 = i0 + columns, j0 + rows

        def p(j: int, i: int) -> tuple[float, float]:
            return float(self.px[j, i]), float(self.py[j, i])

        def h(j: int, i: int) -> tuple[float, float]:
            return float(self.hx[j, i]), float(self.hy[j, i])

        def v(j: int, i: int) -> tuple[float, float]:
            return float(self.vx[j, i]), float(self.vy[j, i])

        ring = []
        for i in range(i0, i1):  # south edge, west → east
            ring += [p(j1, i), h(j1, i)]
        for j in range(j1 - 1, j0 - 1, -1):  # east edge, south → north
            ring += [p(j + 1, i1), v(j, i1)]
        for i in range(i1 - 1, i0 - 1, -1):  # north edge, east → west
            ring += [p(j0, i + 1), h(j0, i)]
        for j in range(j0, j1):  # west edge, north → south
            ring += [p(j, i0), v(j, i0)]
        ring.append(ring[0])
        return ring


def _to_metres(lng: float, lat: float) -> tuple[float, float]:
    return (lng - ORIGIN[0]) * _KX, (lat - ORIGIN[1]) * _KY


def _to_lnglat(x: float, y: float) -> tuple[float, float]:
    return round(ORIGIN[0] + x / _KX, 7), round(ORIGIN[1] + y / _KY, 7)


def _polygon(ring: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(_to_lnglat(x, y)) for x, y in ring]]}


def _geojson(geom: shapely.Geometry) -> dict[str, Any]:
    ring = shapely.get_exterior_ring(geom)
    return _polygon([(float(x), float(y)) for x, y in shapely.get_coordinates(ring)])
