"""Keeping DispatchStats current: each step of an order moves it between holders (a person,
a unit), in or out of the open states, and into or out of a rating. `apply_action` takes a
`holding` of the locked order before and after the step and calls `record_move`, which
adds the difference in the same transaction. `rebuild_dispatch_stats` recomputes every row
from the orders; the two agree (tested)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from linli.workorders.models import OPEN_STATES, DispatchStats, OrderState, Satisfaction, WorkOrder

# Ratings that count towards a responder's satisfaction rate (满意 + 基本满意).
SATISFIED = frozenset({Satisfaction.SATISFIED, Satisfaction.FAIRLY})
_PERSON, _UNIT = "user_id", "organization_id"


@dataclass(frozen=True)
class Holding:
    """What an order contributes to its holders' figures at one moment."""

    user_id: int | None
    unit_id: int | None
    is_open: bool
    rating: str  # the satisfaction while the order is rated, else ""

    def holders(self) -> list[tuple[str, int]]:
        found = []
        if self.user_id is not None:
            found.append((_PERSON, self.user_id))
        if self.unit_id is not None:
            found.append((_UNIT, self.unit_id))
        return found


def holding(order: WorkOrder) -> Holding:
    return Holding(
        user_id=order.assignee_id,
        unit_id=order.assignee_unit_id,
        is_open=order.state in OPEN_STATES,
        rating=order.satisfaction if order.state == OrderState.RATED else "",
    )


def record_move(before: Holding, after: Holding) -> None:
    """Add the difference between two holdings of one order to the holders' rows. Call it
    inside the transaction of the step, after the order is saved."""
    if before == after:
        return
    deltas: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for sign, side in ((-1, before), (1, after)):
        for holder in side.holders():
            delta = deltas[holder]
            delta[0] += sign * side.is_open
            delta[1] += sign * bool(side.rating)
            delta[2] += sign * (side.rating in SATISFIED)
    for (column, pk), (opened, rated, satisfied) in deltas.items():
        if opened or rated or satisfied:
            _add(column, pk, opened, rated, satisfied)


def _add(column: str, pk: int, opened: int, rated: int, satisfied: int) -> None:
    rows = DispatchStats.objects.filter(**{column: pk})
    changes = {
        "open_orders": F("open_orders") + opened,
        "rated_orders": F("rated_orders") + rated,
        "satisfied_orders": F("satisfied_orders") + satisfied,
    }
    if rows.update(**changes):
        return
    # No row yet: count this holder from the orders (the step is saved, so it is included).
    try:
        with transaction.atomic():
            DispatchStats.objects.create(**{column: pk}, **_count(column, pk))
    except IntegrityError:
        # Another step created the row meanwhile, without this step in it: add the difference.
        rows.update(**changes)


def _aggregates() -> dict[str, Count]:
    rated = Q(state=OrderState.RATED) & ~Q(satisfaction="")
    return {
        "open_orders": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "rated_orders": Count("pk", filter=rated),
        "satisfied_orders": Count("pk", filter=rated & Q(satisfaction__in=SATISFIED)),
    }


def _order_column(column: str) -> str:
    return "assignee_id" if column == _PERSON else "assignee_unit_id"


def _count(column: str, pk: int) -> dict[str, int]:
    found: dict[str, int] = WorkOrder.objects.filter(**{_order_column(column): pk}).aggregate(
        **_aggregates()
    )
    return found


@transaction.atomic
def rebuild_dispatch_stats() -> int:
    """Recompute every row from the orders; returns the number of rows written."""
    DispatchStats.objects.all().delete()
    rows = []
    for column in (_PERSON, _UNIT):
        by = _order_column(column)
        grouped = (
            WorkOrder.objects.filter(**{f"{by}__isnull": False})
            .order_by()
            .values(by)
            .annotate(**_aggregates())
        )
        for figures in grouped:
            pk = figures.pop(by)
            if any(figures.values()):
                rows.append(DispatchStats(**{column: pk}, **figures))
    DispatchStats.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
