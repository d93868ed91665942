"""The point → grid index: which grid holds a point, and the chain of regions above it.

Built in memory from every grid polygon in the database. Coordinates are first projected to
local metres (an equirectangular projection about the grids' centre: an affine map, so it
keeps containment, and within a city its distances are right to well under 1 %).

A uniform raster of square cells is laid over the grids. A cell that no grid boundary
crosses lies wholly inside one grid or wholly outside all of them, so it stores that grid's
position (or -1) and a lookup is one array read. Only cells that a boundary crosses (-2) fall
back to an exact test against prepared polygons through a shapely STRtree. Each grid's answer,
with its chain, is computed once at build time, so a lookup allocates nothing.

The index follows edits: territory services bump TerritoryVersion on every change of grid
geometry and call invalidate() on commit; other processes see the new version within
settings.GRID_INDEX_RECHECK_SECONDS.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import shapely
from django.conf import settings
from shapely import intersects_xy

from linli.lib.geo import gcj02_to_wgs84, gcj02_to_wgs84_array
from linli.territory.models import Region, TerritoryVersion

Crs = Literal["wgs84", "gcj02"]

# Cells per side of a typical (small) grid, and the most cells the raster may have.
CELLS_PER_GRID_SIDE = 8
MAX_CELLS = 8_000_000
_CHUNK = 2000  # grids rasterised at a time
_OUTSIDE = -1
_BOUNDARY = -2


@dataclass(frozen=True, slots=True)
class RegionRef:
    id: int
    code: str
    name: str
    level: int

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level}


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a point is: its grid and the regions above it (city first), or, for a point
    outside every grid, found=False with the nearest grid and its distance."""

    found: bool
    grid: RegionRef | None = None
    chain: tuple[RegionRef, ...] = ()
    nearest: RegionRef | None = None
    distance_m: float | None = None

    def grid_label(self) -> str:
        """The grid as people name it (朝阳社区第1网格); "" outside every grid."""
        if self.grid is None:
            return ""
        community = next((r.name for r in self.chain if r.level == Region.Level.COMMUNITY), "")
        return grid_label(community, self.grid.name)


def grid_label(community: str, grid: str) -> str:
    """朝阳社区第1网格: the community's name and the grid's, unless the grid's name already
    starts with it."""
    return grid if grid.startswith(community) else f"{community}{grid}"


NOWHERE = Resolution(found=False)


@dataclass(frozen=True)
class GridRecord:
    id: int
    code: str
    name: str
    path: str
    geometry: dict[str, Any]


@dataclass
class _Projection:
    lng0: float
    lat0: float
    kx: float = field(init=False)
    ky: float = field(init=False)

    def __post_init__(self) -> None:
        phi = math.radians(self.lat0)
        # Metres per degree on the WGS84 ellipsoid at latitude phi.
        self.ky = 111132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
        self.kx = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)


def _rings(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each a list of rings."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"not a polygon: {kind}")


class GridIndex:
    """An immutable index over a snapshot of the grids; build a new one to follow edits."""

    def __init__(
        self,
        grids: Sequence[GridRecord],
        divisions: dict[int, RegionRef],
        *,
        version: int = 0,
        cell_size_m: float | None = None,
    ) -> None:
        started = time.perf_counter()
        self.version = version
        self.grid_ids = np.array([g.id for g in grids], dtype=np.int64)
        self.grids: list[RegionRef] = [
            RegionRef(g.id, g.code, g.name, Region.Level.GRID) for g in grids
        ]
        chains: dict[str, tuple[RegionRef, ...]] = {}
        self._found = []
        for g, ref in zip(grids, self.grids, strict=True):
            above = g.path[: g.path.rstrip("/").rfind("/") + 1]
            chain = chains.get(above)
            if chain is None:
                ids = [int(pk) for pk in above.strip("/").split("/") if pk]
                chain = chains[above] = tuple(divisions[pk] for pk in ids if pk in divisions)
            self._found.append(Resolution(found=True, grid=ref, chain=chain))
        self._build_geometry(grids, cell_size_m)
        self.build_seconds = time.perf_counter() - started

    # -- build -----------------------------------------------------------------------------

    def _build_geometry(self, grids: Sequence[GridRecord], cell_size_m: float | None) -> None:
        # Flatten every ring of every grid into one coordinate array, then project and build
        # the shapely geometries in a few vectorised calls.
        flat: list[list[float]] = []
        lengths: list[int] = []
        ring_poly: list[int] = []
        poly_grid: list[int] = []
        for pos, g in enumerate(grids):
            for poly in _rings(g.geometry):
                for ring in poly:
                    flat.extend(ring)
                    if ring[0] != ring[-1]:
                        flat.append(ring[0])
                    lengths.append(len(ring) + (ring[0] != ring[-1]))
                    ring_poly.append(len(poly_grid))
                poly_grid.append(pos)
        if not flat:
            self._proj = _Projection(114.3, 35.75)
            self._polygons = np.array([], dtype=object)
            self._tree = shapely.STRtree(self._polygons)
            self._origin = (0.0, 0.0)
            self._cell = 1.0
            self._nx = self._ny = 0
            self._cells = np.zeros(0, dtype=np.int32)
            self._candidates = np.zeros(0, dtype=np.int32)
            self._cand_start = np.zeros(1, dtype=np.int64)
            self._cell_view = self._cells.data
            return
        try:
            coords = np.array(flat, dtype=np.float64)
        except ValueError:  # some positions carry a height: keep x and y
            coords = np.array([p[:2] for p in flat], dtype=np.float64)
        coords = coords[:, :2].copy()
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        self._proj = proj = _Projection((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2)
        coords[:, 0] = (coords[:, 0] - proj.lng0) * proj.kx
        coords[:, 1] = (coords[:, 1] - proj.lat0) * proj.ky
        ring_of_coord = np.repeat(np.arange(len(lengths)), lengths)
        ring_geoms = shapely.linearrings(coords, indices=ring_of_coord)
        poly_geoms = shapely.polygons(ring_geoms, indices=np.array(ring_poly))
        grid_of_poly = np.array(poly_grid)
        parts = np.bincount(grid_of_poly, minlength=len(grids))
        polygons = poly_geoms[np.searchsorted(grid_of_poly, np.arange(len(grids)))]
        if (parts > 1).any():
            multi = shapely.multipolygons(poly_geoms, indices=grid_of_poly)
            polygons = np.where(parts > 1, multi, polygons)
        self._polygons = polygons
        shapely.prepare(self._polygons)
        self._tree = shapely.STRtree(self._polygons)

        # Edges join consecutive coordinates of the same ring.
        same = ring_of_coord[1:] == ring_of_coord[:-1]
        edges = np.hstack([coords[:-1][same], coords[1:][same]])
        owners = grid_of_poly[np.array(ring_poly)][ring_of_coord[:-1][same]]
        bounds = shapely.bounds(self._polygons)
        x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
        width, height = bounds[:, 2].max() - x0, bounds[:, 3].max() - y0
        if cell_size_m is None:
            sides = np.sqrt(shapely.area(self._polygons))
            cell_size_m = max(float(np.percentile(sides, 10)) / CELLS_PER_GRID_SIDE, 1.0)
        cell_size_m = max(cell_size_m, math.sqrt(width * height / MAX_CELLS))
        self._cell = cell_size_m
        self._origin = (x0 - cell_size_m / 2, y0 - cell_size_m / 2)
        self._nx = int(width / cell_size_m) + 2
        self._ny = int(height / cell_size_m) + 2
        self._cells = self._rasterise(edges, owners)
        self._cell_view = self._cells.data

    def _rasterise(self, edges: np.ndarray, owners: np.ndarray) -> np.ndarray:
        s = self._cell
        ox, oy = self._origin
        cells = np.full(self._nx * self._ny, _OUTSIDE, dtype=np.int32)
        # Raster units: one cell is 1 × 1. Edges come grouped by grid; work through them a
        # slice of grids at a time to keep the temporary arrays small.
        scaled = (edges - np.array([ox, oy, ox, oy])) / s
        bounds = np.searchsorted(owners, np.arange(0, len(self._polygons) + 1, _CHUNK))
        bounds = np.append(bounds, len(owners))
        pairs = []
        for lo, hi in itertools.pairwise(np.unique(bounds)):
            self._fill(cells, scaled[lo:hi], owners[lo:hi])
            pairs.append(self._touch(scaled[lo:hi], owners[lo:hi]))
        # Each boundary cell keeps the grids whose edges cross it (sorted, so the lowest
        # position wins on a shared border) as CSR arrays; its raster value is -2 - k for
        # the k-th boundary cell.
        grid_count = len(self._polygons)
        merged = np.sort(np.concatenate(pairs))
        merged = merged[np.r_[True, merged[1:] != merged[:-1]]]
        pair_cell, pair_grid = merged // grid_count, merged % grid_count
        first = np.flatnonzero(np.r_[True, pair_cell[1:] != pair_cell[:-1]])
        boundary_cells = pair_cell[first]
        self._candidates = pair_grid.astype(np.int32)
        self._cand_start = np.append(first, len(merged)).astype(np.int64)
        cells[boundary_cells] = _BOUNDARY - np.arange(len(boundary_cells), dtype=np.int32)
        return cells

    def _fill(self, cells: np.ndarray, edges: np.ndarray, owners: np.ndarray) -> None:
        """Crossings of each polygon's rings with the horizontal line through the centre of
        each row, paired left to right (even-odd rule, so holes stay empty): the cells whose
        centres lie between a pair belong to the polygon."""
        nx, ny = self._nx, self._ny
        xa, ya, xb, yb = edges.T
        j0 = np.ceil(np.minimum(ya, yb) - 0.5).astype(np.int64)
        j1 = np.ceil(np.maximum(ya, yb) - 0.5).astype(np.int64) - 1
        count = np.maximum(j1 - j0 + 1, 0)
        edge = np.repeat(np.arange(len(edges)), count)
        row = j0[edge] + _ranges(count)
        x = xa[edge] + (row + 0.5 - ya[edge]) * (xb[edge] - xa[edge]) / (yb[edge] - ya[edge])
        key = owners[edge] * ny + row
        order = np.lexsort((x, key))
        x, key = x[order], key[order]
        span_row, span_owner = key[0::2] % ny, key[0::2] // ny
        i0 = np.clip(np.ceil(x[0::2] - 0.5).astype(np.int64), 0, nx)
        i1 = np.clip(np.ceil(x[1::2] - 0.5).astype(np.int64), 0, nx)
        width = np.maximum(i1 - i0, 0)
        start = np.repeat(span_row * nx + i0, width)
        cells[start + _ranges(width)] = np.repeat(span_owner, width).astype(np.int32)

    def _touch(self, edges: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """(cell × grid count + grid) for every cell an edge passes through, row by row."""
        xa, ya, xb, yb = edges.T
        ylo, yhi = np.minimum(ya, yb), np.maximum(ya, yb)
        r0 = np.floor(ylo).astype(np.int64)
        count = np.floor(yhi).astype(np.int64) - r0 + 1
        edge = np.repeat(np.arange(len(edges)), count)
        row = r0[edge] + _ranges(count)
        lo = np.maximum(ylo[edge], row)
        hi = np.minimum(yhi[edge], row + 1)
        dy = yb[edge] - ya[edge]
        flat = dy == 0
        slope = (xb[edge] - xa[edge]) / np.where(flat, 1.0, dy)
        xlo = np.where(flat, np.minimum(xa[edge], xb[edge]), xa[edge] + (lo - ya[edge]) * slope)
        xhi = np.where(flat, np.maximum(xa[edge], xb[edge]), xa[edge] + (hi - ya[edge]) * slope)
        c0 = np.floor(np.minimum(xlo, xhi)).astype(np.int64)
        width = np.floor(np.maximum(xlo, xhi)).astype(np.int64) - c0 + 1
        touched = np.repeat(row * self._nx + c0, width) + _ranges(width)
        pairs: np.ndarray = np.unique(
            touched * len(self._polygons) + np.repeat(owners[edge], width)
        )
        return pairs

    # -- lookup ----------------------------------------------------------------------------

    @property
    def grid_count(self) -> int:
        return len(self.grids)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the raster and the id array (the polygons come on top)."""
        arrays = (self._cells, self.grid_ids, self._candidates, self._cand_start)
        return sum(int(a.nbytes) for a in arrays)

    @property
    def boundary_fraction(self) -> float:
        """Of the cells inside or on grids, the share that a boundary crosses."""
        inside = np.count_nonzero(self._cells != _OUTSIDE)
        return float(np.count_nonzero(self._cells <= _BOUNDARY) / inside) if inside else 0.0

    def resolve(self, lng: float, lat: float, *, crs: Crs = "wgs84") -> Resolution:
        if crs == "gcj02":
            lng, lat = gcj02_to_wgs84(lng, lat)
        elif crs != "wgs84":
            raise ValueError(f"unknown coordinate system {crs!r}")
        proj = self._proj
        x = (lng - proj.lng0) * proj.kx
        y = (lat - proj.lat0) * proj.ky
        dx, dy = x - self._origin[0], y - self._origin[1]
        col, row = int(dx / self._cell), int(dy / self._cell)
        if dx >= 0 and dy >= 0 and col < self._nx and row < self._ny:
            value = self._cell_view[row * self._nx + col]
            if value >= 0:
                return self._found[value]
            if value <= _BOUNDARY:
                k = _BOUNDARY - value
                candidates = self._candidates[self._cand_start[k] : self._cand_start[k + 1]]
                for pos in candidates.tolist():
                    if intersects_xy(self._polygons[pos], x, y):
                        found: Resolution = self._found[pos]
                        return found
        return self._nearest(x, y)

    def _nearest(self, x: float, y: float) -> Resolution:
        if not self.grids:
            return NOWHERE
        hits, distances = self._tree.query_nearest(shapely.Point(x, y), return_distance=True)
        pos = int(hits.min())
        return Resolution(
            found=False, nearest=self.grids[pos], distance_m=round(float(distances.min()), 1)
        )

    def resolve_many(
        self, lngs: Iterable[float] | np.ndarray, lats: Iterable[float] | np.ndarray, *,
        crs: Crs = "wgs84",
    ) -> np.ndarray:  # fmt: skip
        """The Region id of the grid holding each point, or -1 where none does."""
        lng = np.asarray(lngs, dtype=np.float64)
        lat = np.asarray(lats, dtype=np.float64)
        if crs == "gcj02":
            lng, lat = gcj02_to_wgs84_array(lng, lat)
        elif crs != "wgs84":
            raise ValueError(f"unknown coordinate system {crs!r}")
        pos = self.positions(lng, lat)
        if not self.grids:
            return pos
        ids: np.ndarray = np.where(pos >= 0, self.grid_ids[np.maximum(pos, 0)], -1)
        return ids

    def positions(self, lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Positions in self.grids of the grid holding each WGS84 point, or -1."""
        proj = self._proj
        if not self.grids:
            return np.full(len(lng), -1, dtype=np.int64)
        x = (lng - proj.lng0) * proj.kx
        y = (lat - proj.lat0) * proj.ky
        col = np.floor((x - self._origin[0]) / self._cell).astype(np.int64)
        row = np.floor((y - self._origin[1]) / self._cell).astype(np.int64)
        inside = (col >= 0) & (col < self._nx) & (row >= 0) & (row < self._ny)
        flat = np.where(inside, row * self._nx + col, 0)
        pos = np.where(inside, self._cells[flat], _OUTSIDE).astype(np.int64)
        edge = np.flatnonzero(pos <= _BOUNDARY)
        if len(edge):
            k = _BOUNDARY - pos[edge]
            start, count = self._cand_start[k], self._cand_start[k + 1] - self._cand_start[k]
            which = np.repeat(np.arange(len(edge)), count)
            cand = self._candidates[np.repeat(start, count) + _ranges(count)]
            hit = shapely.intersects_xy(self._polygons[cand], x[edge][which], y[edge][which])
            which, cand = which[hit], cand[hit]
            pos[edge] = _OUTSIDE
            # A point on a shared border is in two grids: candidates are sorted, so keep
            # the first (lowest) of each point's hits.
            if len(which):
                first = np.r_[True, which[1:] != which[:-1]]
                pos[edge[which[first]]] = cand[first]
        return pos


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each c in counts, concatenated: _ranges([2, 3]) → [0, 1, 0, 1, 2]."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    ranges: np.ndarray = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
    return ranges


# -- the process-wide index ------------------------------------------------------------------


def build_from_db(*, cell_size_m: float | None = None) -> GridIndex:
    # Read the version first: an edit that lands in between makes the index look stale,
    # never newer than it is.
    version = current_version()
    divisions = {
        pk: RegionRef(pk, code, name, level)
        for pk, code, name, level in Region.objects.divisions()
        .order_by()
        .values_list("pk", "code", "name", "level")
        .iterator(chunk_size=5000)
    }
    grids = [
        GridRecord(pk, code, name, path, geometry or {})
        for pk, code, name, path, geometry in Region.objects.grids()
        .exclude(geometry=None)
        .order_by("pk")
        .values_list("pk", "code", "name", "path", "geometry")
        .iterator(chunk_size=5000)
    ]
    return GridIndex(grids, divisions, version=version, cell_size_m=cell_size_m)


def current_version() -> int:
    version = TerritoryVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


class _Holder:
    index: GridIndex | None = None
    checked_at = 0.0
    dirty = False
    lock = threading.Lock()


def get_index() -> GridIndex:
    """The current index, rebuilt when the territory version moved on."""
    index = _Holder.index
    now = time.monotonic()
    if (
        index is not None
        and not _Holder.dirty
        and now - _Holder.checked_at < settings.GRID_INDEX_RECHECK_SECONDS
    ):
        return index
    with _Holder.lock:
        index = _Holder.index
        dirty, _Holder.dirty = _Holder.dirty, False
        if index is None or dirty or index.version != current_version():
            index = build_from_db()
            _Holder.index = index
        _Holder.checked_at = time.monotonic()
    return index


def invalidate() -> None:
    """Rebuild on the next lookup (called on commit after any grid geometry change)."""
    _Holder.dirty = True


def resolve(lng: float, lat: float, *, crs: Crs = "wgs84") -> Resolution:
    return get_index().resolve(lng, lat, crs=crs)


def resolve_many(
    lngs: Iterable[float] | np.ndarray, lats: Iterable[float] | np.ndarray, *, crs: Crs = "wgs84"
) -> np.ndarray:
    return get_index().resolve_many(lngs, lats, crs=crs)
