"""Several people acting on one order at the same moment: exactly one wins and the others get
a clear message; a request retried in parallel creates one order. Real transactions and
threads, each with its own database connection (run on PostgreSQL in CI)."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.territory import gridindex
from linli.workorders.models import Action, OrderEvent, OrderState, WorkOrder
from linli.workorders.services import (
    accept_order,
    claim_order,
    close_order,
    dispatch_order,
    file_order,
    handle_order,
    rework_order,
    transitions,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(monkeypatch, *calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` in threads that start together. Each holds the order's lock a moment
    longer than usual, so the others are sure to be waiting for it."""
    original = transitions.check

    def slow_check(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        time.sleep(0.2)

    monkeypatch.setattr(transitions, "check", slow_check)
    # Build the point index for this test's grids first: while one thread rebuilds it, the
    # others would use the previous test's index.
    gridindex.get_index()
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def test_two_volunteers_claiming_one_order_one_wins_the_other_is_told(
    make_order, cast, service_category, monkeypatch
):
    from linli.accounts.tests.factories import RoleFactory, UserFactory

    second = UserFactory(name="志愿者卫")
    RoleFactory(user=second, role="responder", region=cast.tree["community1"],
                responder_kind="volunteer")  # fmt: skip
    order = make_order(category=service_category)
    assert order.state == OrderState.FILED
    results = race(
        monkeypatch,
        lambda: claim_order(order=fresh(order), by=cast.volunteer),
        lambda: claim_order(order=fresh(order), by=second),
    )
    winners = [r for r in results if isinstance(r, WorkOrder)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert "someone else" in losers[0].messages[0] or "他人" in losers[0].messages[0]
    order.refresh_from_db()
    assert order.assignee_id in (cast.volunteer.pk, second.pk)
    assert OrderEvent.objects.filter(order=order, action=Action.CLAIM).count() == 1


def test_two_supervisors_dispatching_at_once_dispatch_once(make_order, cast, monkeypatch):
    order = file_order(order=make_order(), by=cast.grid_worker)
    results = race(
        monkeypatch,
        lambda: dispatch_order(order=fresh(order), by=cast.grid_worker, to_user=cast.volunteer),
        lambda: dispatch_order(order=fresh(order), by=cast.dispatcher, to_unit=cast.unit),
    )
    assert sum(isinstance(r, WorkOrder) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert OrderEvent.objects.filter(order=order, action=Action.DISPATCH).count() == 1


def test_closing_and_sending_back_for_rework_at_once_only_one_happens(
    make_order, cast, monkeypatch
):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已处理")
    results = race(
        monkeypatch,
        lambda: close_order(order=fresh(order), by=cast.grid_worker),
        lambda: rework_order(order=fresh(order), by=cast.dispatcher, note="照片不清楚"),
    )
    assert sum(isinstance(r, WorkOrder) for r in results) == 1, results
    order.refresh_from_db()
    assert order.state in (OrderState.CLOSED, OrderState.DISPATCHED)
    steps = OrderEvent.objects.filter(order=order, action__in=[Action.CLOSE, Action.REWORK])
    assert steps.count() == 1
    assert order.event_seq == OrderEvent.objects.filter(order=order).count()


def test_the_same_request_sent_twice_at_once_creates_one_order(make_order, monkeypatch):
    from django.db import IntegrityError

    from linli.workorders.services import intake

    collisions: list[str] = []
    insert = intake._insert

    def slow_insert(**kwargs: Any) -> Any:
        # Hold the first transaction open so the others reach the unique constraint.
        try:
            created = insert(**kwargs)
        except IntegrityError:
            collisions.append("token")
            raise
        time.sleep(0.2)
        return created

    monkeypatch.setattr(intake, "_insert", slow_insert)
    results = race(
        monkeypatch,
        lambda: make_order(client_token="tap-tap-7f3a"),
        lambda: make_order(client_token="tap-tap-7f3a"),
        lambda: make_order(client_token="tap-tap-7f3a"),
    )
    assert all(isinstance(r, WorkOrder) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert WorkOrder.objects.filter(client_token="tap-tap-7f3a").count() == 1
    assert collisions  # the losers were turned away by the constraint, not by luck


def test_order_numbers_handed_out_at_once_are_all_different(make_order, monkeypatch):
    results = race(monkeypatch, *[make_order for _ in range(6)])
    assert all(isinstance(r, WorkOrder) for r in results), results
    assert len({r.number for r in results}) == 6
