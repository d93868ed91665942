"""Shared pieces of the HTTP benchmarks: a throw-away database (SQLite file or a PostgreSQL
database of its own), the production environment of bin/serve-prod, the servers to compare,
and wrk as the load generator on loopback.

Nothing here imports Django: each database is prepared in a child process (`manage.py …`, or
the benchmark's own `--prepare` mode), and the servers are child processes too. Every child
is started by this module and stopped by its process id.
"""

# ruff: noqa: S603, S607 (the children are our own fixed commands: servers, wrk, PostgreSQL tools)

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PYTHON = str(VENV / "python")
HOST = "127.0.0.1"
PG_URL = "postgres://linli:linli@127.0.0.1:5432/{name}"

# The servers compared. {port} is filled in; each runs config.wsgi with 2 worker processes,
# as bin/serve-prod does on this 2-core machine.
SERVERS: dict[str, list[str]] = {
    "gunicorn-sync": [
        str(VENV / "gunicorn"), "--workers", "2", "--worker-class", "sync",
        "--bind", f"{HOST}:{{port}}", "--log-level", "warning", "config.wsgi:application",
    ],
    "gunicorn-gthread": [
        str(VENV / "gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", "4",
        "--bind", f"{HOST}:{{port}}", "--log-level", "warning", "config.wsgi:application",
    ],
    "granian": [
        str(VENV / "granian"), "--interface", "wsgi", "--host", HOST, "--port", "{port}",
        "--workers", "2", "--blocking-threads", "1", "--no-ws", "--log-level", "warning",
        "config.wsgi:application",
    ],
}  # fmt: skip


@dataclass
class Database:
    kind: str  # "sqlite" or "postgres"
    env: dict[str, str]  # SQLITE_PATH or DATABASE_URL
    path: str  # the SQLite file, or the PostgreSQL URL

    def count(self, table: str) -> int:
        """Rows in one of our tables, read without Django."""
        sql = f"SELECT count(*) FROM {table}"  # noqa: S608 (our own table names)
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                return int(conn.execute(sql).fetchone()[0])
        import psycopg

        with psycopg.connect(self.path) as conn:
            row = conn.execute(sql).fetchone()
            assert row is not None
            return int(row[0])


def sqlite_database(workdir: Path) -> Database:
    path = str(workdir / "bench.sqlite3")
    return Database("sqlite", {"SQLITE_PATH": path, "DATABASE_URL": ""}, path)


def postgres_database(name: str) -> Database:
    """A fresh PostgreSQL database `name` owned by linli (dropped first if it exists)."""
    if subprocess.run(["pg_isready", "-q", "-h", HOST], check=False).returncode != 0:
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=False)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-q", "-h", HOST], check=False).returncode == 0:
                break
            time.sleep(1)
    for command in (f"dropdb --if-exists {name}", f"createdb -O linli {name}"):
        subprocess.run(["su", "postgres", "-c", command], check=True, cwd="/")
    url = PG_URL.format(name=name)
    return Database("postgres", {"DATABASE_URL": url}, url)


def production_env(
    db: Database, workdir: Path, settings: str = "config.settings"
) -> dict[str, str]:
    """The environment of bin/serve-prod: DEBUG off, a secret key, static files from the
    finders (no collectstatic needed), only 127.0.0.1 allowed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SQLITE_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        STATIC_MANIFEST="false",
        DEMO_MODE="false",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE=settings,
        PYTHONPATH=str(ROOT),
    )
    env.update(db.env)
    (workdir / "static").mkdir(exist_ok=True)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def running(name: str, env: dict[str, str], ready_path: str = "/accounts/login/") -> Iterator[str]:
    """Start server `name` and yield its base URL once it answers; stop it afterwards (its
    own process group, by id)."""
    port = free_port()
    command = [part.format(port=port) for part in SERVERS[name]]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(base + ready_path, timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wrk(
    url: str,
    script: Path,
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
    args: Sequence[str] = (),
) -> dict[str, Any]:
    """Run wrk against `url` with a Lua script whose done() prints one JSON line; `args` go
    to the script's init()."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    command = [
        "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{round(seconds)}s",
        "--timeout", "5s", "-s", str(script), url, *(["--", *args] if args else []),
    ]  # fmt: skip
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("{"))
    result: dict[str, Any] = json.loads(line)
    return result


class PgWaits:
    """Samples what PostgreSQL's active backends of one database wait on (pg_stat_activity,
    every 20 ms, in a thread) while a load runs: the shares show lock queues on hot rows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: Counter[str] = Counter()
        self.active = 0
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        sql = (
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu'), left(query, 48)"
            " FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'"
            " AND pid <> pg_backend_pid()"
        )
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.02):
                self.rounds += 1
                for wait, query in conn.execute(sql).fetchall():
                    self.active += 1
                    label = f"{wait} {query}" if wait.startswith("Lock") else wait
                    self.samples[label] += 1

    def __enter__(self) -> PgWaits:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def shares(self, top: int = 6) -> dict[str, Any]:
        """Mean active backends per sample, and the share of active samples per wait (cpu:
        running or runnable; Lock:…: queued behind another transaction's row lock)."""
        total = self.active or 1
        return {
            "mean_active_backends": round(self.active / max(1, self.rounds), 2),
            "waits": {k: round(v / total, 3) for k, v in self.samples.most_common(top)},
        }


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def median(values: Sequence[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def child_json(args: Sequence[str], env: dict[str, str]) -> Any:
    """Run this Python on a bench script in a child process; it prints JSON as its last line."""
    out = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, check=False, capture_output=True, text=True
    )
    if out.stderr:
        sys.stderr.write(out.stderr[-4000:])
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit status {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])
