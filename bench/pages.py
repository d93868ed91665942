"""Two pages, as production serves them: what the resident's submit page weighs over the wire,
and how long the grid worker's queue takes on the server at megacity scale.

    .venv/bin/python bench/pages.py                          # megacity in a temp SQLite DB
    .venv/bin/python bench/pages.py --db /tmp/pages.sqlite3 # keep/reuse the generated DB
    .venv/bin/python bench/pages.py --db /tmp/pages.sqlite3 --analyze   # with planner statistics
    .venv/bin/python bench/pages.py --database-url postgres://linli:linli@127.0.0.1/linli_bench_pages
    .venv/bin/python bench/pages.py --scale small --requests 50   # quick

Settings are production's (DEBUG off, hashed and pre-compressed static files collected into a
temporary STATIC_ROOT, whitenoise and GZipMiddleware in front). Requests go through Django's
test client in this process, so times are server time: middleware, session, views, queries
and templates, without the network.

- weight: the submit page as a resident sees it (Accept-Encoding: gzip), plus every stylesheet
  and script it links and every font their CSS loads, each as served (whitenoise's .gz
  files; the HTML compressed by GZipMiddleware). Images a stylesheet may load (Leaflet's
  marker and layer icons) are listed apart; map tiles are left out.
- queue: seed_demo's megacity (its year of demo orders) plus `--extra-orders` more bulk-loaded
  by the work-order demo generator. `--hot-orders` (20,000) of the city's newest orders (so
  most of its open ones) are moved into one community, half into its first grid, so that its
  queues are busy ones. Every tab of the queue of that grid's worker and of the community's
  grid leader is then requested `--requests` times: median and p95 in ms, and the queries
  each request makes. `--analyze` gathers planner statistics first (a fresh SQLite file has
  none; PostgreSQL's autovacuum gathers its own). `--optimize` instead closes the connection
  once every tab has been requested once, as each request does in production: on SQLite
  the backend (linli/lib/sqlite) runs `PRAGMA optimize` then, which gathers statistics for
  the tables those requests used.

Prints one JSON object (see bench/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ASSET = re.compile(
    r"""<link[^>]+rel=["']stylesheet["'][^>]*href=["']([^"']+)["']"""
    r"""|<script[^>]+src=["']([^"']+)["']"""
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
FONT = (".woff2", ".woff", ".ttf", ".otf", ".eot")


def _setup(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="linli-bench-pages-"))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["SQLITE_PATH"] = args.db or str(work / "pages.sqlite3")
        os.environ.pop("DATABASE_URL", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_MANIFEST="true",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from linli.territory.models import Region

    call_command("migrate", verbosity=0)
    timings: dict[str, Any] = {}
    if not Region.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", "--scale", args.scale, "--force", verbosity=0, stdout=sys.stderr)
        timings["seed_demo_seconds"] = round(time.perf_counter() - started)
    if args.extra_orders:
        import random

        from django.utils import timezone

        from linli.workorders.demo import generate_orders

        started = time.perf_counter()
        city = Region.objects.get(level=Region.Level.CITY)
        generate_orders(
            rng=random.Random(f"bench-pages:{args.extra_orders}"),
            city=city,
            count=args.extra_orders,
            now=timezone.now().replace(second=0, microsecond=0),
        )
        timings["extra_orders_seconds"] = round(time.perf_counter() - started)
    if args.hot_orders:
        started = time.perf_counter()
        if concentrate(args.hot_orders):
            timings["hot_orders_seconds"] = round(time.perf_counter() - started)
    if args.analyze:
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        timings["analyze_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    call_command("collectstatic", "--noinput", verbosity=0)
    timings["collectstatic_seconds"] = round(time.perf_counter() - started)
    return timings


def hot_community() -> Any:
    """The community whose grids get the `--hot-orders` (the first by code)."""
    from linli.territory.models import Region

    return Region.objects.filter(level=Region.Level.COMMUNITY).order_by("code").first()


def concentrate(count: int) -> bool:
    """Move the city's `count` newest orders (and so most of its open ones) into the hot
    community: half into its first grid, the rest spread over its other grids. Their events
    and KPI counters stay where they were; the queue reads only the orders. False if the
    community already holds that many."""
    from django.db import transaction

    from linli.territory.models import Region
    from linli.workorders.models import WorkOrder

    community = hot_community()
    if WorkOrder.objects.filter(community=community).count() >= count:
        return False
    grids = list(Region.objects.grids().filter(parent=community).order_by("code"))
    newest = list(WorkOrder.objects.order_by("-created_at").values_list("pk", flat=True)[:count])
    shares: dict[int, list[int]] = {g.pk: [] for g in grids}
    for n, pk in enumerate(newest):
        grid = grids[0] if n % 2 == 0 or len(grids) == 1 else grids[1 + n // 2 % (len(grids) - 1)]
        shares[grid.pk].append(pk)
    with transaction.atomic():
        for grid in grids:
            _, district, subdistrict, comm = (int(i) for i in grid.path.strip("/").split("/")[:4])
            pks = shares[grid.pk]
            for at in range(0, len(pks), 5000):
                WorkOrder.objects.filter(pk__in=pks[at : at + 5000]).update(
                    grid=grid, community_id=comm, subdistrict_id=subdistrict,
                    district_id=district, region_path=grid.path,
                )  # fmt: skip
    return True


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
        response.close()
        return data
    return bytes(response.content)


def _fetch(client: Any, url: str) -> dict[str, Any]:
    served = client.get(url, headers={"accept-encoding": "gzip"})
    assert served.status_code == 200, (url, served.status_code)
    wire = _body(served)
    encoded = served.get("Content-Encoding", "")
    plain = gzip.decompress(wire) if encoded == "gzip" else wire
    return {"url": url, "bytes": len(wire), "uncompressed": len(plain), "encoding": encoded,
            "text": plain}  # fmt: skip


def page_weight(client: Any, path: str) -> dict[str, Any]:
    """Bytes on the wire for a page and what it loads (map tiles aside)."""
    page = _fetch(client, path)
    html = page["text"].decode()
    files: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    seen: set[str] = set()
    for css, js in ASSET.findall(html):
        url = css or js
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        asset = _fetch(client, url)
        files.append(asset)
        if url.endswith(".css"):
            base = url.rsplit("/", 1)[0] + "/"
            for ref in CSS_URL.findall(asset["text"].decode()):
                if ref.startswith(("data:", "http:", "https:", "#")):
                    continue
                full = ref if ref.startswith("/") else base + ref
                full = full.split("?")[0].split("#")[0]
                if full in seen:
                    continue
                seen.add(full)
                (files if full.lower().endswith(FONT) else images).append(_fetch(client, full))
    rows = [{k: v for k, v in f.items() if k != "text"} for f in [page, *files]]
    total = sum(r["bytes"] for r in rows)
    return {
        "total_kb": round(total / 1024, 1),
        "uncompressed_kb": round(sum(r["uncompressed"] for r in rows) / 1024, 1),
        "html_kb": round(page["bytes"] / 1024, 1),
        "files": rows,
        "css_images_if_used": [{k: v for k, v in f.items() if k != "text"} for f in images],
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def time_page(client: Any, path: str, params: dict[str, str], requests: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(path, params).status_code == 200
    reset_queries()  # each request clears the log as it starts; count from zero
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    count = len(queries.captured_queries)  # read now: the next request clears the log
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path, params)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "queries": count,
        "orders_shown": response.content.decode().count('class="q-card'),
    }


def close_connection() -> float:
    """Close the connection, as the end of every request does in production (the test
    client keeps it open); on SQLite the backend runs `PRAGMA optimize` as it closes.
    Seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    connection.close()
    return round(time.perf_counter() - started, 3)


def queue_figures(requests: int, optimize: bool = False) -> dict[str, Any]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from linli.accounts.models import Role, RoleAssignment
    from linli.territory.models import Region
    from linli.workorders.models import OPEN_STATES, WorkOrder
    from linli.workorders.queues import WorkerTab, tab_counts, worker_tab_filters

    url = reverse("workorders:worker_queue")
    hot = WorkOrder.objects.filter(community=hot_community(), state__in=OPEN_STATES)
    people = []
    for role, key in ((Role.GRID_WORKER, "grid_id"), (Role.GRID_LEADER, "community_id")):
        busiest = hot.order_by().values(key).annotate(n=Count("pk")).order_by("-n")
        for row in busiest[:50]:
            found = RoleAssignment.objects.filter(role=role, region_id=row[key]).first()
            if found is not None:
                people.append((role, found, WorkOrder.objects.filter(**{key: row[key]}).count()))
                break
    out: dict[str, Any] = {
        "orders_total": WorkOrder.objects.count(),
        "grids": Region.objects.grids().count(),
    }
    if optimize:
        for _, assignment, _ in people:
            client = Client()
            client.force_login(assignment.user)
            for tab in WorkerTab.values:
                assert client.get(url, {"tab": tab}).status_code == 200
        out["close_seconds"] = close_connection()
    for role, assignment, orders in people:
        client = Client()
        client.force_login(assignment.user)
        from linli.workorders.permissions import grid_staff_orders

        counts = tab_counts(grid_staff_orders(assignment.user), worker_tab_filters())
        tabs = {tab: time_page(client, url, {"tab": tab}, requests) for tab in WorkerTab.values}
        out[str(role)] = {
            "region": str(assignment.region),
            "orders_in_region": orders,
            "tab_counts": counts,
            "tabs": tabs,
            "worst_p95_ms": max(t["p95_ms"] for t in tabs.values()),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="SQLite file to use (filled with the demo city if empty)")
    parser.add_argument("--database-url", help="PostgreSQL instead (filled if empty)")
    parser.add_argument("--scale", default="megacity", choices=["small", "city", "megacity"])
    parser.add_argument("--extra-orders", type=int, default=0)
    parser.add_argument(
        "--hot-orders", type=int, default=20_000, help="newest orders moved into one community"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--analyze", action="store_true", help="gather planner statistics (ANALYZE) first"
    )
    parser.add_argument(
        "--optimize",
        action="store_true",
        help="close the connection after the first request of each tab (SQLite: PRAGMA optimize)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    load = os.getloadavg()[0]
    timings = _setup(args)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from linli.accounts.models import Role, RoleAssignment

    resident = RoleAssignment.objects.filter(role=Role.RESIDENT).select_related("user").first()
    assert resident is not None
    client = Client()
    client.force_login(resident.user)
    weight = page_weight(client, reverse("workorders:new"))
    report = {
        "database": connection.vendor,
        "analyzed": args.analyze,
        "optimized": args.optimize,
        "loadavg_at_start": round(load, 2),
        "setup": timings,
        "submit_page": weight | {"target_kb": 150, "target_met": weight["total_kb"] <= 150},
        "queue": queue_figures(args.requests, optimize=args.optimize),
    }
    worst = max(v["worst_p95_ms"] for v in report["queue"].values() if isinstance(v, dict))
    report["queue"]["target_p95_ms"] = 50
    report["queue"]["target_met"] = worst <= 50
    report["loadavg_at_end"] = round(os.getloadavg()[0], 2)
    report["wall_seconds"] = round(time.perf_counter() - started)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
