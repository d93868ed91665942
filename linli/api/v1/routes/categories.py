"""The category tree orders are filed under (as the 我要报事 page offers it)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from linli.api.access.security import PERSON
from linli.api.v1.routes.auth import person
from linli.api.v1.schemas import CategoryOut
from linli.workorders.models import Category

router = Router(tags=["categories"], auth=PERSON)


@router.get("/categories", response=list[CategoryOut], summary="Active categories")
def categories(
    request: HttpRequest,
    kind: Annotated[Literal["component", "incident", "service"] | None, Query(None)] = None,
    leaves: Annotated[bool, Query(False, description="Only those an order may go under.")] = False,
) -> list[dict[str, Any]]:
    """Every active category, major classes first, each with its parent's id. A few hundred
    at most, so not paged."""
    person(request)
    found = list(Category.objects.active().order_by("kind", "level", "sort_order", "code"))
    parents = {c.parent_id for c in found if c.parent_id is not None}
    if kind:
        found = [c for c in found if c.kind == kind]
    if leaves:
        found = [c for c in found if c.pk not in parents]
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "level": c.level,
            "code": c.code,
            "name": c.name,
            "parent_id": c.parent_id,
            "is_leaf": c.pk not in parents,
            "deadline_amount": c.deadline_amount,
            "deadline_unit": c.deadline_unit,
            "urgent_deadline_amount": c.urgent_deadline_amount,
            "urgent_deadline_unit": c.urgent_deadline_unit,
            "open_to_claiming": c.open_to_claiming,
            "check_required": c.check_required,
            "filing_conditions": c.filing_conditions,
            "closing_conditions": c.closing_conditions,
        }
        for c in found
    ]
