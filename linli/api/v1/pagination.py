"""Keyset (cursor) pagination: a page is "the next `limit` rows after this one" in a fixed
order that ends in a unique column, so page 10,000 costs what page 1 costs, and rows added
meanwhile neither repeat nor go missing. The cursor is opaque to clients (base64 JSON of the
ordering's name and the last row's values)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from linli.api.v1.errors import invalid

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Ordering:
    """A named order: the fields (the last unique), all ascending or all descending, and
    each field's kind ("datetime", "int" or "str") for reading cursors back."""

    name: str
    fields: Sequence[tuple[str, str]]
    descending: bool

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{name}" for name, _kind in self.fields]


def _bad_cursor() -> Exception:
    message = _("Cursor: use the next_cursor of the previous page, unchanged.")
    return invalid([{"field": "cursor", "code": "invalid_cursor", "message": message}])


def encode(ordering: Ordering, values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps({"o": ordering.name, "k": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(ordering: Ordering, cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, binascii.Error, RecursionError):
        raise _bad_cursor() from None
    if not isinstance(data, dict) or data.get("o") != ordering.name:
        raise _bad_cursor()
    values = data.get("k")
    if not isinstance(values, list) or len(values) != len(ordering.fields):
        raise _bad_cursor()
    out: list[Any] = []
    for value, (_name, kind) in zip(values, ordering.fields, strict=True):
        if kind == "datetime":
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None or parsed.tzinfo is None:
                raise _bad_cursor()
            out.append(parsed)
        elif kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > 2**63 - 1:
                raise _bad_cursor()
            out.append(value)
        elif kind == "str" and isinstance(value, str) and "\x00" not in value:
            out.append(value)
        else:
            raise _bad_cursor()
    return out


def _after(ordering: Ordering, values: list[Any]) -> Q:
    """Rows strictly after `values` in the ordering."""
    op = "lt" if ordering.descending else "gt"
    names = [name for name, _kind in ordering.fields]
    where = Q(pk__in=[])
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{op}": values[i]})
        for earlier, value in zip(names[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        where |= step
    return where


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def paginate(
    queryset: QuerySet[M],
    ordering: Ordering,
    *,
    cursor: str | None,
    limit: int,
    values: Callable[[M], Sequence[Any]],
) -> Page[M]:
    """One page of `queryset` in `ordering` after `cursor`; `values(row)` gives the row's
    values of the ordering's fields (for the next cursor)."""
    queryset = queryset.order_by(*ordering.order_by())
    if cursor:
        queryset = queryset.filter(_after(ordering, decode(ordering, cursor)))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode(ordering, values(rows[-1])) if more and rows else None
    return Page(rows, next_cursor)
