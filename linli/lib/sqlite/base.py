"""Django's SQLite backend, with writers queued in the kernel instead of SQLite's busy
handler.

SQLite lets one transaction write at a time. A second writer's `BEGIN IMMEDIATE` fails
with "database is locked" and SQLite's busy handler retries it after sleeps of 1, 2, 5,
10 … 100 ms. Two web workers submitting orders then spend most of their time asleep: one
worker made 104 submissions/s on its own and two made 62 together (bench/intake.py).

Here every write transaction of a file database first takes an exclusive `flock` on a
lock file beside it (`<name>-writer`) and gives it back when the transaction commits or
rolls back (closing the descriptor it opened for the transaction). A waiting writer sleeps
in the kernel and wakes the moment the lock is free; a process that dies releases its lock
with its file descriptors. Statements run in
autocommit (outside `transaction.atomic`) keep SQLite's own busy handling. In-memory
databases (tests) have one process and take no lock."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from typing import Any

from django.db.backends.sqlite3 import base

# Rows ANALYZE reads per index when PRAGMA optimize runs it (SQLite suggests 100-1000):
# approximate statistics, enough to choose between indexes, in a few milliseconds.
ANALYSIS_LIMIT = 400


class DatabaseWrapper(base.DatabaseWrapper):
    # The lock file's descriptor while this connection holds the writer lock. Opened per
    # transaction (microseconds), so a connection dropped without closing leaks nothing.
    _writer_fd: int | None = None

    def _start_transaction_under_autocommit(self) -> None:
        if self._writer_fd is None and not self.is_in_memory_db():
            fd = os.open(f"{self.settings_dict['NAME']}-writer", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._writer_fd = fd
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._writer_fd is not None:
            fd, self._writer_fd = self._writer_fd, None
            os.close(fd)  # closing the descriptor releases its lock

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _optimize(self) -> None:
        """SQLite's advice: `PRAGMA optimize` as each connection closes (here when a server
        thread's connection reaches CONN_MAX_AGE, and after every management command). Usually a no-op, it ANALYZEs the tables this connection's
        queries used that lack statistics or have grown a lot since (a new file has none,
        and then the planner picks poor indexes: docs/deploy.md), reading at most
        ANALYSIS_LIMIT rows per index. If another connection is writing it gives up at
        once; the next connection to close tries again."""
        if self.connection is None:
            return
        try:
            self.connection.execute("PRAGMA busy_timeout = 0")
            self.connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            self.connection.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass  # busy, read-only or broken: closing matters more

    def _close(self) -> Any:
        self._optimize()
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_writer()
