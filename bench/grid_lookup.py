"""Point → grid lookups at megacity scale: the raster index against a plain shapely STRtree.

    .venv/bin/python bench/grid_lookup.py                 # generate megacity into a temp DB
    .venv/bin/python bench/grid_lookup.py --db mega.sqlite3   # reuse (or fill) this DB
    .venv/bin/python bench/grid_lookup.py --scale city    # quicker, smaller

Prints one JSON object (see bench/README.md for what each figure means).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _setup(db: str | None, scale: str) -> tuple[str, float | None]:
    path = db or str(Path(tempfile.mkdtemp(prefix="linli-bench-")) / "bench.sqlite3")
    os.environ["SQLITE_PATH"] = path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"
    os.environ["DEMO_MODE"] = "true"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command

    from linli.territory.models import Region

    call_command("migrate", verbosity=0)
    seeded = None
    if not Region.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", "--scale", scale, verbosity=0, stdout=sys.stderr)
        seeded = time.perf_counter() - started
    return path, seeded


def _percentiles(samples_ns: list[int]) -> dict[str, float]:
    samples_ns.sort()
    return {
        "median_us": round(statistics.median(samples_ns) / 1000, 2),
        "p95_us": round(samples_ns[int(len(samples_ns) * 0.95)] / 1000, 2),
    }


def _time_each(fn, points) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    clock = time.perf_counter_ns
    for lng, lat in points:
        t0 = clock()
        fn(lng, lat)
        samples.append(clock() - t0)
    return _percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLite file to use (filled with the demo city if empty)")
    parser.add_argument("--scale", default="megacity", choices=["small", "city", "megacity"])
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--singles", type=int, default=20_000)
    args = parser.parse_args()
    db, seeded = _setup(args.db, args.scale)

    import numpy as np
    import shapely
    from shapely.geometry import shape

    from linli.lib.geo import wgs84_to_gcj02
    from linli.territory import gridindex

    # -- build: time (no tracing), then memory (RSS delta, and traced Python allocations)
    gc.collect()
    rss_before = _rss_bytes()
    started = time.perf_counter()
    index = gridindex.build_from_db()
    build_total = time.perf_counter() - started
    gc.collect()
    rss_delta = _rss_bytes() - rss_before
    tracemalloc.start()
    traced_index = gridindex.build_from_db()
    traced, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced_index
    gc.collect()

    # -- the baseline: a plain STRtree over the WGS84 polygons, chains in a dict
    from linli.territory.models import Region

    rows = list(Region.objects.grids().order_by("pk").values_list("pk", "geometry"))
    started = time.perf_counter()
    polygons = np.array([shape(g) for _, g in rows], dtype=object)
    tree = shapely.STRtree(polygons)
    baseline_build = time.perf_counter() - started
    answers = {pos: index._found[pos] for pos in range(len(rows))}
    ids = np.array([pk for pk, _ in rows])

    def baseline_single(lng: float, lat: float) -> object:
        hits = tree.query(shapely.Point(lng, lat), predicate="intersects")
        if len(hits):
            return answers[int(hits.min())]
        return tree.query_nearest(shapely.Point(lng, lat))

    def baseline_many(lngs: np.ndarray, lats: np.ndarray) -> np.ndarray:
        which, hit = tree.query(shapely.points(lngs, lats), predicate="intersects")
        out = np.full(len(lngs), -1)
        order = np.lexsort((hit, which))
        which, hit = which[order], hit[order]
        first = np.r_[True, which[1:] != which[:-1]]
        out[which[first]] = ids[hit[first]]
        return out

    # -- points: inside grids (sampled uniformly inside random grids) and outside all grids
    rng = np.random.default_rng(42)
    bounds = shapely.bounds(polygons)

    def inside_points(n: int) -> tuple[np.ndarray, np.ndarray]:
        out_x, out_y = [], []
        while sum(len(x) for x in out_x) < n:
            pick = rng.integers(0, len(polygons), n)
            b = bounds[pick]
            x = rng.uniform(b[:, 0], b[:, 2])
            y = rng.uniform(b[:, 1], b[:, 3])
            keep = shapely.contains_xy(polygons[pick], x, y)
            out_x.append(x[keep])
            out_y.append(y[keep])
        return np.concatenate(out_x)[:n], np.concatenate(out_y)[:n]

    lo, hi = bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)
    x = rng.uniform(lo[0], hi[0], 200_000)
    y = rng.uniform(lo[1], hi[1], 200_000)
    outside = baseline_many(x, y) < 0
    out_lng, out_lat = x[outside][:2000], y[outside][:2000]
    in_lng, in_lat = inside_points(args.singles)
    inside = list(zip(in_lng.tolist(), in_lat.tolist(), strict=True))
    outside_pts = list(zip(out_lng.tolist(), out_lat.tolist(), strict=True))
    gcj = [wgs84_to_gcj02(a, b) for a, b in inside[:5000]]

    gridindex._Holder.index = index  # the process-wide index, as views and services use it
    gridindex._Holder.checked_at = time.monotonic() + 3600
    single = {
        "inside": _time_each(gridindex.resolve, inside),
        "inside_index_method": _time_each(index.resolve, inside),
        "inside_gcj02": _time_each(lambda a, b: gridindex.resolve(a, b, crs="gcj02"), gcj),
        "outside_with_nearest": _time_each(gridindex.resolve, outside_pts),
    }
    base_single = {
        "inside": _time_each(baseline_single, inside),
        "outside_with_nearest": _time_each(baseline_single, outside_pts),
    }

    # -- batched: 90 % of points inside grids, 10 % anywhere in the extent
    n_in = int(args.batch * 0.9)
    bx, by = inside_points(n_in)
    bx = np.concatenate([bx, rng.uniform(lo[0], hi[0], args.batch - n_in)])
    by = np.concatenate([by, rng.uniform(lo[1], hi[1], args.batch - n_in)])

    def rate(fn) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
        best, result = float("inf"), None
        for _ in range(3):
            t0 = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - t0)
        return args.batch / best, result

    index_rate, index_ids = rate(lambda: index.resolve_many(bx, by))
    gx, gy = np.array(
        [wgs84_to_gcj02(a, b) for a, b in zip(bx[:100_000], by[:100_000], strict=True)]
    ).T
    gcj_rate = 100_000 / min(
        _elapsed(lambda: index.resolve_many(gx, gy, crs="gcj02")) for _ in range(3)
    )
    base_rate, base_ids = rate(lambda: baseline_many(bx, by))

    report = {
        "scale": args.scale,
        "db": db,
        "seed_seconds": round(seeded, 1) if seeded is not None else None,
        "grids": index.grid_count,
        "index": {
            "build_seconds_with_db_read": round(build_total, 2),
            "build_seconds_index_only": round(index.build_seconds, 2),
            "rss_delta_mb": round(rss_delta / 2**20, 1),
            "traced_python_mb": round(traced / 2**20, 1),
            "traced_peak_during_build_mb": round(traced_peak / 2**20, 1),
            "raster_and_arrays_mb": round(index.memory_bytes / 2**20, 1),
            "raster_cells": index._nx * index._ny,
            "cell_size_m": round(index._cell, 1),
            "boundary_cell_share": round(index.boundary_fraction, 3),
        },
        "single": single,
        "batched": {
            "points": args.batch,
            "points_per_second": round(index_rate),
            "gcj02_points_per_second": round(gcj_rate),
            "found_share": round(float((index_ids >= 0).mean()), 3),
        },
        "baseline_strtree": {
            "build_seconds": round(baseline_build, 2),
            "single": base_single,
            "batched_points_per_second": round(base_rate),
        },
        "ratios": {
            "single_inside_median_speedup": round(
                base_single["inside"]["median_us"] / single["inside"]["median_us"], 1
            ),
            "batched_speedup": round(index_rate / base_rate, 1),
            "answers_differing_from_baseline": int((index_ids != base_ids).sum()),
        },
        "targets": {
            "single_median_us_max": 10,
            "batched_points_per_second_min": 1_000_000,
            "met": single["inside"]["median_us"] <= 10 and index_rate >= 1_000_000,
        },
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.db is None:
        shutil.rmtree(Path(db).parent, ignore_errors=True)


def _elapsed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
