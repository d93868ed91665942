"""Orders created over HTTP through the resident's real submit path, against the production
server setup, compared with a bare one-row-insert endpoint measured in the same sitting.

    .venv/bin/python bench/intake.py                          # SQLite and PostgreSQL, 3 servers
    .venv/bin/python bench/intake.py --db sqlite --server granian --runs 1 --seconds 5

For each database (a temporary SQLite file in WAL mode; a PostgreSQL database
linli_bench_intake, dropped and created afresh) the demo city is generated at small scale with
the categories. Each server (gunicorn sync, gunicorn gthread, granian; 2 worker processes)
then serves bin/serve-prod's settings (DEBUG off, a secret key, ALLOWED_HOSTS=127.0.0.1) plus
one bench-only route (bench/_site.py). wrk, on loopback, alternates two loads, `--runs` times
at each connection count:

- bare: POST /bench/insert/, a Django view inserting one row (no login, no form);
- signed_in: POST /bench/insert-signed-in/ as the same residents (session, user, CSRF
  check), inserting one row: the floor under any signed-in form post;
- submit: POST /orders/new/ as logged-in residents (session cookie, CSRF token), a category,
  a description and a point inside a grid, each with its own client token — the form, the
  grid lookup, numbering, the order, its events and KPI counters, the inbox rows of the grid's
  workers and, after commit, the delivery task enqueued. No photos.

Every submission must answer 302 (to the new order); the orders, inbox rows and tasks added
are counted in the database and must match. Prints one JSON object (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _server

SUBMIT = "/orders/new/"
BARE = "/bench/insert/"
SIGNED_IN = "/bench/insert-signed-in/"
PG_NAME = "linli_bench_intake"

LUA = r"""
local path = "%(path)s"
local bodies = %(bodies)s
local sessions = %(sessions)s
local csrf = "%(csrf)s"
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  codes = {}
  tag = (args[1] or "run") .. "-" .. tid
end

function request()
  n = n + 1
  local body = bodies[(n * 7 + tid) %% #bodies + 1]
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  if #sessions > 0 then
    body = body .. "&client_token=" .. tag .. "-" .. n .. "&csrfmiddlewaretoken=" .. csrf
    headers["Cookie"] = "csrftoken=" .. csrf .. "; sessionid=" .. sessions[(n + tid * 5) %% #sessions + 1]
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do all[tostring(k)] = (all[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(all) do table.insert(parts, string.format('"%%s":%%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},"codes":{%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ",")))
end
"""

DESCRIPTIONS = [
    "楼道灯坏了，晚上看不清楼梯",
    "小区门口有车辆长期占用人行道",
    "垃圾桶满了两天没人清运",
    "路边井盖松动，踩上去会响",
    "独居老人需要帮忙买菜",
]


def _lua_list(items: list[str]) -> str:
    return "{" + ",".join(json.dumps(i) for i in items) + "}"


# -- the child process: build the fixture in the database -------------------------------


def prepare() -> None:
    """Runs in a child with the database's environment: demo city, categories, the baseline
    table, a session for every resident, form bodies at points inside grids, and the queries
    one submission makes."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from shapely.geometry import Point, shape

    from bench._site_urls import create_table
    from linli.accounts.models import Role, User
    from linli.territory import gridindex
    from linli.territory.models import Region
    from linli.workorders.models import Category, WorkOrder

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--scale", "small", "--force", verbosity=0, stdout=sys.stderr)
    call_command("load_categories", verbosity=0, stdout=sys.stderr)
    create_table()

    residents = list(User.objects.filter(roles__role=Role.RESIDENT).distinct())
    sessions = []
    for user in residents:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "linli.accounts.backends.PhonePasswordBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)

    rng = random.Random(1)
    categories = list(Category.objects.active().leaves().values_list("pk", flat=True))
    grids = list(Region.objects.grids().exclude(geometry=None))
    forms: list[dict[str, str]] = []
    while len(forms) < 1000:
        grid = rng.choice(grids)
        polygon = shape(grid.geometry)
        x0, y0, x1, y1 = polygon.bounds
        lng, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if not polygon.contains(Point(lng, lat)):
            continue
        found = gridindex.resolve(lng, lat)
        if found.grid is None or found.grid.id != grid.pk:
            continue
        forms.append(
            {
                "category": str(rng.choice(categories)),
                "description": rng.choice(DESCRIPTIONS),
                "lng": f"{lng:.6f}",
                "lat": f"{lat:.6f}",
                "crs": "wgs84",
                "address": "",
            }
        )

    client = Client(HTTP_HOST=_server.HOST)
    client.force_login(residents[0])
    client.get(SUBMIT)  # warm the grid index and the category cache
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(SUBMIT, forms[0] | {"client_token": uuid.uuid4().hex})
    if answer.status_code != 302:
        raise SystemExit(f"the probe submission answered {answer.status_code}")
    writes = [
        q["sql"][:70] for q in queries.captured_queries
        if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]  # fmt: skip
    print(
        json.dumps(
            {
                "sessions": sessions,
                "bodies": [urlencode(f) for f in forms],
                "residents": len(residents),
                "grids": len(grids),
                "categories": len(categories),
                "orders_before": WorkOrder.objects.count(),
                "submit_queries": len(queries.captured_queries),
                "submit_writes": writes,
            }
        )
    )


# -- the parent: servers, loads, figures -------------------------------------------------


def _script(workdir: Path, name: str, path: str, bodies: list[str], sessions: list[str]) -> Path:
    csrf = uuid.uuid4().hex  # 32 characters: an unmasked CSRF secret, cookie and form alike
    text = LUA % {
        "path": path,
        "bodies": _lua_list(bodies),
        "sessions": _lua_list(sessions),
        "csrf": csrf,
    }
    script = workdir / f"{name}.lua"
    script.write_text(text)
    return script


def _summary(run: dict[str, Any]) -> dict[str, Any]:
    seconds = run["duration_us"] / 1e6
    errors = sum(run["errors"].values()) - run["errors"]["status"]
    bad = sum(v for k, v in run["codes"].items() if not k.startswith(("2", "3")))
    return {
        "rps": round(run["requests"] / seconds, 1),
        "p50_ms": round(run["p50_us"] / 1000, 1),
        "p90_ms": round(run["p90_us"] / 1000, 1),
        "p99_ms": round(run["p99_us"] / 1000, 1),
        "max_ms": round(run["max_us"] / 1000, 1),
        "requests": run["requests"],
        "errors": errors + bad,
        "codes": run["codes"],
    }


def bench_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = _server.workdir(f"linli-bench-intake-{kind}-")
    db = (
        _server.sqlite_database(workdir) if kind == "sqlite" else _server.postgres_database(PG_NAME)
    )
    env = _server.production_env(db, workdir, settings="bench._site")
    log(f"[{kind}] preparing the database in {db.path}")
    started = time.perf_counter()
    fixture = _server.child_json([str(Path(__file__)), "--prepare"], env)
    log(f"[{kind}] prepared in {time.perf_counter() - started:.0f} s: "
        f"{fixture['submit_queries']} queries per submission")  # fmt: skip
    submit = _script(workdir, "submit", SUBMIT, fixture["bodies"], fixture["sessions"])
    bare = _script(workdir, "bare", BARE, ["note=" + "x" * 40], [])
    signed_in = _script(workdir, "signed_in", SIGNED_IN, fixture["bodies"], fixture["sessions"])
    loads = (("bare", bare), ("signed_in", signed_in), ("submit", submit))
    result: dict[str, Any] = {
        "fixture": {k: fixture[k] for k in ("residents", "grids", "categories")},
        "submit_queries": fixture["submit_queries"],
        "submit_writes": fixture["submit_writes"],
        "servers": {},
    }
    for server in args.server:
        log(f"[{kind}] {server}")
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
        with _server.running(server, env) as base:
            for _, script in loads:  # warm up every worker (grid index, connections)
                _server.wrk(base + "/", script, connections=16, seconds=2, args=["warm"])
            for n in range(args.runs):
                for conns in args.connections:
                    for name, script in loads:
                        load = _server.loadavg()
                        before = _counts(db) if name == "submit" else None
                        tag = f"{server}-{n}-{conns}-{uuid.uuid4().hex[:6]}"
                        sampling = name == "submit" and db.kind == "postgres"
                        with _server.PgWaits(db.path) if sampling else nullcontext() as waits:
                            raw = _server.wrk(
                                base + "/", script, connections=conns, seconds=args.seconds,
                                args=[tag],
                            )  # fmt: skip
                        figures = _summary(raw) | {"loadavg": load}
                        if waits is not None:
                            figures["pg_waits"] = waits.shares()
                        if before is not None:
                            figures["added"] = _added(db, before)
                        runs.setdefault(str(conns), {}).setdefault(name, []).append(figures)
                        log(f"  {conns:>3} {name:<6} {figures['rps']:>7} req/s "
                            f"p99 {figures['p99_ms']:>6} ms errors {figures['errors']} "
                            f"load {load}")  # fmt: skip
        result["servers"][server] = _medians(runs)
    return result


def _counts(db: _server.Database) -> dict[str, int]:
    return {
        "orders": db.count("workorders_workorder"),
        "inbox": db.count("accounts_notification"),
        "tasks": db.count("django_tasks_database_dbtaskresult"),
    }


def _added(db: _server.Database, before: dict[str, int]) -> dict[str, int]:
    return {k: v - before[k] for k, v in _counts(db).items()}


def _medians(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for conns, loads in runs.items():
        entry: dict[str, Any] = {}
        for name, figures in loads.items():
            entry[name] = {
                "rps_median": _server.median([f["rps"] for f in figures]),
                "p50_ms_median": _server.median([f["p50_ms"] for f in figures]),
                "p99_ms_median": _server.median([f["p99_ms"] for f in figures]),
                "errors_total": sum(f["errors"] for f in figures),
                "runs": figures,
            }
        submitted = entry["submit"]
        # wrk stops with up to one request per connection in flight: the server may finish
        # (and count) those after wrk stopped listening.
        created_ok = all(
            0 <= f["added"]["orders"] - f["codes"].get("302", 0) <= int(conns)
            for f in submitted["runs"]
        )
        entry["ratio_submit_to_bare"] = round(
            submitted["rps_median"] / entry["bare"]["rps_median"], 2
        )
        if "signed_in" in entry:
            entry["ratio_signed_in_to_bare"] = round(
                entry["signed_in"]["rps_median"] / entry["bare"]["rps_median"], 2
            )
        entry["orders_created_match_302s"] = created_ok
        entry["target_met"] = (
            entry["ratio_submit_to_bare"] >= 0.5
            and submitted["errors_total"] == 0
            and created_ok
            and (conns != "64" or submitted["p99_ms_median"] <= 150)
        )
        out[conns] = entry
    return out


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--server", action="append", choices=list(_server.SERVERS))
    parser.add_argument("--connections", type=int, action="append")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    args.db = args.db or ["sqlite", "postgres"]
    args.server = args.server or list(_server.SERVERS)
    args.connections = args.connections or [16, 64]
    started = time.perf_counter()
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": _server.loadavg()},
        "runs_per_figure": args.runs,
        "seconds_per_run": args.seconds,
        "databases": {},
    }
    for kind in args.db:
        report["databases"][kind] = bench_database(kind, args)
    report["machine"]["loadavg_at_end"] = _server.loadavg()
    report["wall_seconds"] = round(time.perf_counter() - started)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
