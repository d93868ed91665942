"""Work-order KPIs: 响应率、解决率、满意率, 处置率 … per region, unit and person, over any
period of days, with the composite score (docs/kpis.md).

    from linli.workorders import kpis
    kpis.region_kpis(region, start, end)   # → dict (see queries.region_kpis)

`record` is the services' hook (called for every event, in its transaction; `record_new`
counts a new order's first events at once);
`manage.py rebuild_kpis` recomputes everything from the events.
"""

from __future__ import annotations

from typing import Any

from linli.workorders.kpis.formulas import CLOCK_ACTIONS
from linli.workorders.kpis.queries import person_kpis, region_kpis, unit_kpis
from linli.workorders.kpis.store import record, record_new
from linli.workorders.models import WorkOrder


def event_data(order: WorkOrder, action: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """The event's details, plus the deadline for steps that start the clock: the KPIs
    replay on-time handling from the events alone."""
    data = dict(data or {})
    if action in CLOCK_ACTIONS and order.deadline_at is not None:
        data.setdefault("deadline_at", order.deadline_at.isoformat())
    return data


__all__ = ["event_data", "person_kpis", "record", "record_new", "region_kpis", "unit_kpis"]
