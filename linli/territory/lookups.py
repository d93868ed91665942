"""`<path field>__subtree=<path>`: the rows whose materialised path starts with the given one,
written so that each database answers it from the path's index.

SQLite's LIKE is case-insensitive, so it cannot use an ordinary (BINARY) index for
`startswith` and scans the whole table instead. There the lookup is a range: every string
that starts with `p` lies in [p, p with its last character incremented), in byte order,
and nothing else does (for paths, "/1/7/" gives ["/1/7/", "/1/70"): '0' follows '/').
PostgreSQL keeps LIKE 'p%': Django gives every indexed CharField a varchar_pattern_ops
index, which serves it, whereas a range compares by the database's collation, which need
not be byte order.

Registered on CharField by linli.territory.models; subtree_q is its one user.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.lookups import StartsWith
from django.db.models.sql.compiler import SQLCompiler

_LAST_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)  # not characters: UTF-8 cannot hold them


def prefix_upper_bound(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix`, in code-point order
    (= UTF-8 byte order, SQLite's BINARY collation); None if there is none to write."""
    if not prefix:
        return None
    code = ord(prefix[-1]) + 1
    if code in _SURROGATES:
        code = _SURROGATES.stop
    if code > _LAST_CODE_POINT:
        return None
    return prefix[:-1] + chr(code)


class Subtree(Lookup[bool]):
    lookup_name = "subtree"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        return compiler.compile(StartsWith(self.lhs, self.rhs))

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> Any:
        upper = prefix_upper_bound(self.rhs) if isinstance(self.rhs, str) else None
        if upper is None:  # an expression, or no bound: LIKE, without the index
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, self.rhs, *lhs_params, upper)
