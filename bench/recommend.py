"""Dispatch recommendations among 100,000 responders (megacity scale): the cell-indexed,
precomputed ranking (`linli.workorders.recommend`) against a naive full scan in the same run.

    .venv/bin/python bench/recommend.py                       # temporary SQLite DB
    .venv/bin/python bench/recommend.py --pg                  # a temporary PostgreSQL DB
    .venv/bin/python bench/recommend.py --responders 20000    # quicker

It builds a synthetic megacity (about 7,000 km², 3,000 communities in 120 subdistricts and 8
districts; 60 % of responders around three urban cores, the rest anywhere), 100,000
responders of every kind with skills and service points, and 300,000 orders held by them
(open, closed, rated) so that load and ratings are real. It rebuilds the precomputed figures
(`rebuild_dispatch_stats`, timed), then times `recommend_responders(order)` for orders placed
like the responders, and the baseline for a sample of the same orders: every active responder
of an allowed kind read and measured (no spatial prefilter), load and ratings counted from
the orders (no precomputed figures), then the same eligibility, skills and ranking. The two
must give the same answers (`answers_differing` counts orders where they do not).

Prints one JSON object; bench/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The synthetic city: a lattice of square communities over this extent.
WEST, SOUTH, EAST, NORTH = 113.9, 35.4, 114.9, 36.1
COLS, ROWS = 60, 50  # communities
BLOCK = 5  # communities per subdistrict side
CORES = [(114.30, 35.75), (114.55, 35.90), (114.15, 35.55)]
CORE_SIGMA_DEG = 0.04  # about 4 km
KINDS = [
    ("volunteer", 45),
    ("party_member", 25),
    ("merchant", 15),
    ("property_company", 10),
    ("department", 5),
]


def _setup(args: argparse.Namespace) -> tuple[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"  # no query log growing over thousands of calls
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    cleanup = None
    if args.pg_keep:
        os.environ["DATABASE_URL"] = args.pg_url.rsplit("/", 1)[0] + "/" + args.pg_keep
        where = f"postgresql {args.pg_keep} (kept)"
    elif args.pg:
        import psycopg

        name = f"linli_bench_recommend_{uuid.uuid4().hex[:8]}"
        admin = args.pg_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.pg_url.rsplit("/", 1)[0] + "/" + name
        where = f"postgresql {name}"

        def cleanup() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}"')

    else:
        folder = None if args.db else tempfile.mkdtemp(prefix="linli-bench-")
        path = args.db or str(Path(str(folder)) / "bench.sqlite3")
        os.environ["SQLITE_PATH"] = path
        os.environ.pop("DATABASE_URL", None)
        where = f"sqlite {path}"
        if folder is not None:

            def cleanup() -> None:
                shutil.rmtree(str(folder), ignore_errors=True)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return where, cleanup


def _point(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.6:
        lng, lat = rng.choice(CORES)
        lng, lat = rng.gauss(lng, CORE_SIGMA_DEG), rng.gauss(lat, CORE_SIGMA_DEG * 0.8)
    else:
        lng, lat = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
    return min(max(lng, WEST), EAST - 1e-9), min(max(lat, SOUTH), NORTH - 1e-9)


def _cell(lng: float, lat: float) -> tuple[int, int]:
    col = int((lng - WEST) / (EAST - WEST) * COLS)
    row = int((lat - SOUTH) / (NORTH - SOUTH) * ROWS)
    return col, row


def _build_territory() -> dict[str, Any]:
    """City, 8 districts, 120 subdistricts, 3,000 communities, one grid each (bulk, with
    explicit ids so paths are known)."""
    from linli.territory.models import Region

    rows: list[Region] = []
    next_id = iter(range(1, 10**7))

    def add(level: int, kind: str, code: str, name: str, parent: Region | None) -> Region:
        pk = next(next_id)
        path = (parent.path if parent else "/") + f"{pk}/"
        region = Region(
            pk=pk, code=code, name=name, level=level, kind=kind, parent=parent, path=path
        )
        rows.append(region)
        return region

    city = add(1, "city", "410600000000", "基准市", None)
    districts, subdistricts, communities, grids = {}, {}, {}, {}
    for dc in range(COLS // (BLOCK * 3)):
        for dr in range(ROWS // (BLOCK * 5)):
            n = len(districts) + 1
            districts[dc, dr] = add(2, "district", f"4106{n:02d}000000", f"第{n}区", city)
    for sc in range(COLS // BLOCK):
        for sr in range(ROWS // BLOCK):
            d = districts[sc // 3, sr // 5]
            n = len(subdistricts) + 1
            code = f"{d.code[:6]}{n:03d}000"
            subdistricts[sc, sr] = add(3, "subdistrict", code, f"第{n}街道", d)
    for col in range(COLS):
        for row in range(ROWS):
            s = subdistricts[col // BLOCK, row // BLOCK]
            n = len(communities) + 1
            c = add(4, "community", f"{s.code[:9]}{n % 1000:03d}-{n}", f"第{n}社区", s)
            communities[col, row] = c
            grids[col, row] = add(5, "general", f"{c.code}G1", f"第{n}社区网格", c)
    Region.objects.bulk_create(rows, batch_size=2000)
    return {"districts": districts, "subdistricts": subdistricts,
            "communities": communities, "grids": grids}  # fmt: skip


def _load_territory() -> dict[str, Any]:
    """The lattice of a database built by an earlier run (same creation order)."""
    from linli.territory.models import Region

    level = {n: list(Region.objects.filter(level=n).order_by("pk")) for n in (2, 3, 4, 5)}
    districts = [(c, r) for c in range(COLS // (BLOCK * 3)) for r in range(ROWS // (BLOCK * 5))]
    subdistricts = [(c, r) for c in range(COLS // BLOCK) for r in range(ROWS // BLOCK)]
    cells = [(c, r) for c in range(COLS) for r in range(ROWS)]
    return {
        "districts": dict(zip(districts, level[2], strict=True)),
        "subdistricts": dict(zip(subdistricts, level[3], strict=True)),
        "communities": dict(zip(cells, level[4], strict=True)),
        "grids": dict(zip(cells, level[5], strict=True)),
    }


def _build_categories(rng: random.Random) -> list[Any]:
    from linli.workorders.models import Category

    majors, minors = [], []
    for m in range(8):
        major = Category.objects.create(
            kind="incident", level=1, code=f"{m + 1:02d}", name=f"大类{m + 1}"
        )
        majors.append(major)
        for n in range(6):
            kinds = rng.choice(
                [[], ["volunteer", "party_member"], ["department", "property_company"],
                 ["volunteer", "merchant", "party_member"], ["department"]]
            )  # fmt: skip
            minors.append(
                Category(kind="incident", level=2, code=f"{m + 1:02d}{n + 1:02d}",
                         name=f"小类{m + 1}-{n + 1}", parent=major, responder_kinds=kinds)
            )  # fmt: skip
    return majors + Category.objects.bulk_create(minors)


def _build_responders(rng: random.Random, territory: dict[str, Any], count: int,
                      categories: list[Any]) -> list[int]:  # fmt: skip
    from linli.accounts.models import RoleAssignment, User
    from linli.workorders.models import ResponderProfile

    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    users = [
        User(phone=f"13{i:09d}", name=f"{rng.choice(names)}{rng.choice(names)}{i}", password="!")  # noqa: S106
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    roles, profiles, points = [], [], []
    for user in users:
        lng, lat = _point(rng)
        col, row = _cell(lng, lat)
        kind = rng.choices(kinds, weights)[0]
        scope = rng.random()
        if scope < 0.5:
            region = territory["communities"][col, row]
        elif scope < 0.85:
            region = territory["subdistricts"][col // BLOCK, row // BLOCK]
        else:
            region = territory["districts"][col // (BLOCK * 3), row // (BLOCK * 5)]
        roles.append(
            RoleAssignment(user=user, role="responder", responder_kind=kind, region=region)
        )
        profiles.append(
            ResponderProfile(user=user, kind=kind, lng=lng, lat=lat,
                             service_radius_m=rng.choice([1000, 2000, 3000, 5000]),
                             is_active=rng.random() < 0.92)
        )  # fmt: skip
        points.append((lng, lat))
    RoleAssignment.objects.bulk_create(roles, batch_size=5000)
    ResponderProfile.objects.bulk_create(profiles, batch_size=5000)
    through = ResponderProfile.skills.through
    skills = []
    for profile in profiles:
        for category in rng.sample(categories, rng.choice([0, 1, 1, 2, 3])):
            skills.append(through(responderprofile_id=profile.pk, category_id=category.pk))
    through.objects.bulk_create(skills, batch_size=5000, ignore_conflicts=True)
    return [u.pk for u in users]


def _order_place(rng: random.Random, territory: dict[str, Any]) -> dict[str, Any]:
    lng, lat = _point(rng)
    col, row = _cell(lng, lat)
    grid = territory["grids"][col, row]
    community = territory["communities"][col, row]
    sub = community.parent
    return {"lng": lng, "lat": lat, "grid": grid, "community": community,
            "subdistrict": sub, "district": sub.parent, "region_path": grid.path}  # fmt: skip


def _build_orders(rng: random.Random, territory: dict[str, Any], user_ids: list[int],
                  categories: list[Any], count: int) -> None:  # fmt: skip
    from linli.workorders.models import WorkOrder

    leaves = [c for c in categories if c.level == 2]
    states = [("accepted", 12), ("dispatched", 6), ("handled", 4), ("closed", 18), ("rated", 60)]
    names, weights = zip(*states, strict=True)
    rows = []
    for i in range(count):
        state = rng.choices(names, weights)[0]
        satisfaction = ""
        if state == "rated":
            satisfaction = rng.choices(["satisfied", "fairly", "dissatisfied"], [75, 17, 8])[0]
        rows.append(
            WorkOrder(number=f"B{i:09d}", source="resident", category=rng.choice(leaves),
                      description="基准工单", state=state, assignee_id=rng.choice(user_ids),
                      satisfaction=satisfaction, **_order_place(rng, territory))
        )  # fmt: skip
    WorkOrder.objects.bulk_create(rows, batch_size=5000)


def _naive(order: Any, limit: int = 10) -> list[Any]:
    """The baseline: no spatial prefilter, no precomputed figures."""
    from django.db.models import Count, Q

    from linli.workorders import recommend as r
    from linli.workorders.models import OPEN_STATES, ResponderProfile, WorkOrder
    from linli.workorders.permissions import dispatchable_users

    profiles = ResponderProfile.objects.filter(is_active=True, lat__isnull=False)
    if kinds := order.category.responder_kinds:
        profiles = profiles.filter(kind__in=kinds)
    everyone = []
    for row in profiles.values_list(*r._FIELDS):
        c = r._Candidate(*row)
        c.distance_m = r.distance_m(order.lng, order.lat, row[3], row[4])
        everyone.append(c)
    found: list[Any] = []
    for radius in r.SEARCH_RADII_M:
        found = [c for c in everyone if c.distance_m <= radius]
        if len(found) >= max(limit, r.MIN_POOL):
            break
    ids = [c.user_id for c in found]
    allowed = dispatchable_users(by=None, order=order, user_ids=ids, fields=("user__name",))
    found = [c for c in found if c.user_id in allowed]
    rated = Q(state="rated") & ~Q(satisfaction="")
    figures = {
        row["assignee_id"]: row
        for row in WorkOrder.objects.filter(assignee_id__in=[c.user_id for c in found])
        .values("assignee_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            rated=Count("pk", filter=rated),
            satisfied=Count("pk", filter=rated & Q(satisfaction__in=["satisfied", "fairly"])),
        )
    }
    for c in found:
        f = figures.get(c.user_id, {})
        c.name = str(allowed[c.user_id][0])
        c.open_orders, c.rated, c.satisfied = f.get("open"), f.get("rated"), f.get("satisfied")
    skilled = r._skilled(order, [c.profile_id for c in found])
    scored = [(r._score(c, c.profile_id in skilled), c) for c in found]
    scored.sort(key=lambda p: (-p[0], p[1].distance_m is None, p[1].distance_m, p[1].user_id))
    return [r._recommend(c, c.profile_id in skilled, score) for score, c in scored[:limit]]


def _stats(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLite file to build in (default: a temporary one)")
    parser.add_argument("--pg", action="store_true", help="build in a temporary PostgreSQL DB")
    parser.add_argument("--pg-url", default="postgres://linli:linli@127.0.0.1:5432/linli")
    parser.add_argument(
        "--pg-keep", metavar="NAME", help="build in (or reuse) an existing PostgreSQL database"
    )
    parser.add_argument("--responders", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=300_000, help="orders held (for load)")
    parser.add_argument("--queries", type=int, default=1000, help="orders to recommend for")
    parser.add_argument("--baseline", type=int, default=100, help="of those, for the baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    where, cleanup = _setup(args)
    try:
        print(json.dumps(_run(args, where), ensure_ascii=False, indent=2))
    finally:
        if cleanup is not None:
            cleanup()


def _run(args: argparse.Namespace, where: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.workorders.models import Category, WorkOrder
    from linli.workorders.recommend import SEARCH_RADII_M, recommend_responders
    from linli.workorders.services.dispatch_stats import rebuild_dispatch_stats

    rng = random.Random(args.seed)
    started = time.perf_counter()
    if WorkOrder.objects.exists():  # a kept --db: reuse what an earlier run built
        territory, categories = _load_territory(), list(Category.objects.all())
    else:
        territory = _build_territory()
        categories = _build_categories(rng)
        user_ids = _build_responders(rng, territory, args.responders, categories)
        _build_orders(rng, territory, user_ids, categories, args.orders)
        with connection.cursor() as cursor:
            # PostgreSQL answers from the covering index alone once the visibility map is
            # set (autovacuum does it in production; do it now).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    generated = time.perf_counter() - started
    started = time.perf_counter()
    stats_rows = rebuild_dispatch_stats()
    rebuilt = time.perf_counter() - started

    leaves = [c for c in categories if c.level == 2]
    orders = []
    for i in range(args.queries + 50):
        order = WorkOrder(
            number=f"Q{i}", category=rng.choice(leaves), **_order_place(rng, territory)
        )
        orders.append(order)
    for order in orders[:50]:  # warm the caches and the connection
        recommend_responders(order)
    orders = orders[50:]

    fast, fast_cpu, found_counts = [], [], []
    for order in orders:
        c0, t0 = time.process_time(), time.perf_counter()
        found = recommend_responders(order)
        fast.append(time.perf_counter() - t0)
        fast_cpu.append(time.process_time() - c0)
        found_counts.append(len(found))
    with CaptureQueriesContext(connection) as ctx:
        recommend_responders(orders[0])
    queries_per_call = len(ctx)

    naive, naive_cpu, differing = [], [], 0
    for order in orders[: args.baseline]:
        c0, t0 = time.process_time(), time.perf_counter()
        slow = _naive(order)
        naive.append(time.perf_counter() - t0)
        naive_cpu.append(time.process_time() - c0)
        quick = recommend_responders(order)
        if [(x.responder_id, x.score) for x in slow] != [(x.responder_id, x.score) for x in quick]:
            differing += 1
    fast_s, naive_s = _stats(fast), _stats(naive)
    fast_c, naive_c = _stats(fast_cpu), _stats(naive_cpu)
    return {
        "database": where,
        "responders": args.responders,
        "orders_held": args.orders,
        "generate_seconds": round(generated, 1),
        "rebuild_dispatch_stats": {"seconds": round(rebuilt, 2), "rows": stats_rows},
        "recommend": {
            **fast_s,
            "queries_per_call": queries_per_call,
            "mean_results": round(statistics.fmean(found_counts), 2),
        },
        "recommend_cpu": fast_c,
        "baseline_full_scan": naive_s,
        "baseline_full_scan_cpu": naive_c,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "answers_differing": differing,
        "ratio_baseline_over_recommend": {
            "p50": round(naive_s["p50_ms"] / fast_s["p50_ms"], 1),
            "p95": round(naive_s["p95_ms"] / fast_s["p95_ms"], 1),
        },
        "target_p95_ms": 10,
        "meets_target": fast_s["p95_ms"] <= 10,
        "search_radii_m": list(SEARCH_RADII_M),
    }


if __name__ == "__main__":
    main()
