"""Listeners for order events, for apps above work orders (webhooks in linli.api) that must
react to every event without work orders importing them. An app registers from its
AppConfig.ready():

    register_event_listener(on_order_event)

`write_event` calls every listener with the order and its new event inside the event's
transaction, so a listener must be cheap and defer real work with transaction.on_commit
(the event may still be rolled back)."""

from __future__ import annotations

from collections.abc import Callable

from linli.workorders.models import OrderEvent, WorkOrder

EventListener = Callable[[WorkOrder, OrderEvent], None]

_listeners: list[EventListener] = []


def register_event_listener(listener: EventListener) -> None:
    """Add a listener (once: registering it again changes nothing)."""
    if listener not in _listeners:
        _listeners.append(listener)


def notify_event_listeners(*, order: WorkOrder, event: OrderEvent) -> None:
    for listener in _listeners:
        listener(order, event)
