"""The SQLite backend runs `PRAGMA optimize` as a connection closes (linli/lib/sqlite/base.py):
the planner gets statistics for the tables that were used, without keeping a closing
connection waiting on another one's write."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from linli.lib.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, never the test database."""
    with django_db_blocker.unblock():
        yield


def _open(path: Path) -> Any:
    settings = {
        **connection.settings_dict,
        "ENGINE": "linli.lib.sqlite",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
    }
    return DatabaseWrapper(settings, alias="optimize-test")


def _fill(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, kind TEXT, at TEXT)")
    db.execute("CREATE INDEX item_kind ON item (kind)")
    rows = [(str(n % 7), str(n)) for n in range(2000)]
    db.executemany("INSERT INTO item (kind, at) VALUES (?, ?)", rows)
    db.commit()
    db.close()


def _statistics(path: Path) -> list[tuple[str, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT tbl, idx FROM sqlite_stat1 ORDER BY idx").fetchall()
    except sqlite3.OperationalError:  # no such table: never analysed
        return []
    finally:
        db.close()


def test_closing_a_connection_gathers_statistics_for_the_tables_it_used(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _fill(path)
    wrapper = _open(path)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM item WHERE kind = %s", ["3"])
    assert _statistics(path) == []
    wrapper.close()
    assert ("item", "item_kind") in _statistics(path)


def test_closing_does_not_wait_for_another_connections_write(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    _fill(path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO item (kind, at) VALUES ('1', 'y')")
    wrapper = _open(path)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM item WHERE kind = %s", ["3"])
    started = time.perf_counter()
    wrapper.close()
    assert time.perf_counter() - started < 1  # not the 5 s busy timeout
    writer.execute("COMMIT")
    writer.close()
    assert _statistics(path) == []  # the next connection to close gathers them
