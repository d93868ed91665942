"""Fast inserts of generated rows, for the demo step and the KPI benchmark: COPY on
PostgreSQL, executemany in batches on SQLite. Rows are tuples of Python values in the
order of the given columns (attnames); ids are assigned here, not by the database, and the
id sequence is moved on afterwards. No model validation: the callers generate valid rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC
from itertools import islice
from typing import Any

from django.db import connection, models

BATCH = 5000


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "postgresql":
            return lambda v: v
        # What SQLite's adapter stores (naive UTC text), without its per-value checks.
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if isinstance(field, models.DateField):
        if connection.vendor == "postgresql":
            return lambda v: v
        return lambda v: None if v is None else ops.adapt_datefield_value(v)
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    return lambda v: v


def next_id(model: type[models.Model]) -> int:
    """The first free id of `model`'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (our table name)
        row = cursor.fetchone()
    return int(row[0] or 0) + 1


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Insert `rows` into `model`'s table; returns how many."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    convert = [_converter(fields[c]) for c in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(fields[c].column) for c in columns)
    count = 0
    it = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in it:
                    copy.write_row([f(v) for f, v in zip(convert, row, strict=True)])
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        while batch := list(islice(it, BATCH)):
            cursor.executemany(
                sql, [[f(v) for f, v in zip(convert, row, strict=True)] for row in batch]
            )
            count += len(batch)
    return count


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the ids assigned here (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def model_rows(
    objects: Iterable[models.Model], columns: Sequence[str]
) -> Iterable[tuple[Any, ...]]:
    """Rows of unsaved model instances (their attributes, in the order of `columns`)."""
    for obj in objects:
        yield tuple(getattr(obj, c) for c in columns)
