"""Parameters shared by the routes."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query
from pydantic import Field

from linli.api.v1.pagination import DEFAULT_LIMIT, MAX_LIMIT
from linli.api.v1.schemas import MAX_ID

Cursor = Annotated[
    str | None,
    Query(None, max_length=500, description="next_cursor of the previous page."),
]
Limit = Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size.")]
RegionCode = Annotated[str, Path(..., min_length=1, max_length=32)]
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
