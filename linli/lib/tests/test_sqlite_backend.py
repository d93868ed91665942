"""The SQLite backend's writer queue (linli/lib/sqlite/base.py): a second writer waits for
the first one's commit or rollback instead of failing or sleeping in SQLite's busy handler."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as StockWrapper
from django.db.utils import OperationalError

from linli.lib.sqlite.base import DatabaseWrapper

HOLD = 0.4


def _wrapper(kind: type[Any], path: Path) -> Any:
    settings = {
        **connection.settings_dict,
        "ENGINE": "linli.lib.sqlite",
        "NAME": str(path),
        # SQLite's own busy handler gives up after 50 ms: only the queue can make a writer
        # wait longer than that.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.05},
    }
    return kind(settings, alias=f"writer-test-{threading.get_ident()}")


def _write(kind: type[Any], path: Path, value: str, *, hold: float = 0, rollback: bool = False,
           started: threading.Event | None = None) -> float:  # fmt: skip
    """One write transaction on its own connection; returns the seconds it took."""
    db = _wrapper(kind, path)
    began = time.monotonic()
    try:
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])
        if started is not None:
            started.set()
        time.sleep(hold)
        db.rollback() if rollback else db.commit()
        db.set_autocommit(True)
        return time.monotonic() - began
    finally:
        db.close()


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own SQLite files, never the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "queue.sqlite3"
    db = _wrapper(StockWrapper, path)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (v text)")
    db.close()
    return path


def _rows(path: Path) -> list[str]:
    db = _wrapper(StockWrapper, path)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT v FROM t ORDER BY rowid")
            return [row[0] for row in cursor.fetchall()]
    finally:
        db.close()


def _race(kind: type[Any], path: Path, *, rollback: bool = False) -> tuple[list[Any], float]:
    """A holds a write transaction for HOLD seconds; B starts writing meanwhile."""
    started = threading.Event()
    found: list[Any] = []
    first = threading.Thread(
        target=lambda: _write(kind, path, "a", hold=HOLD, rollback=rollback, started=started)
    )
    first.start()
    assert started.wait(5)
    try:
        found.append(_write(kind, path, "b"))
    except OperationalError as exc:
        found.append(exc)
    first.join()
    return found, HOLD


def test_a_second_writer_waits_for_the_first_to_commit(db_file: Path) -> None:
    (outcome,), hold = _race(DatabaseWrapper, db_file)
    assert isinstance(outcome, float) and outcome >= hold * 0.5
    assert _rows(db_file) == ["a", "b"]
    assert Path(f"{db_file}-writer").exists()


def test_the_queue_is_free_again_after_a_rollback(db_file: Path) -> None:
    (outcome,), _ = _race(DatabaseWrapper, db_file, rollback=True)
    assert isinstance(outcome, float)
    assert _rows(db_file) == ["b"]


def test_without_the_queue_the_same_writer_fails_as_locked(db_file: Path) -> None:
    """The control: Django's own backend gives up after the busy timeout."""
    (outcome,), _ = _race(StockWrapper, db_file)
    assert isinstance(outcome, OperationalError) and "locked" in str(outcome)
    assert _rows(db_file) == ["a"]


def test_in_memory_databases_take_no_lock(tmp_path: Path) -> None:
    db = _wrapper(DatabaseWrapper, Path(":memory:"))
    try:
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        db.commit()
        db.set_autocommit(True)
        assert db._writer_fd is None and not Path(":memory:-writer").exists()
    finally:
        db.close()


def test_a_writer_keeps_no_lock_file_open_between_transactions(db_file: Path) -> None:
    """Persistent connections (CONN_MAX_AGE) and runserver's per-request threads drop
    connections without closing them: nothing may stay open or locked in between."""
    db = _wrapper(DatabaseWrapper, db_file)
    try:
        db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        assert db._writer_fd is not None
        db.commit()
        db.set_autocommit(True)
        assert db._writer_fd is None
        assert isinstance(_write(DatabaseWrapper, db_file, "c"), float)
    finally:
        db.close()
