"""Random sequences of actions by random people (and the system) on an order: whatever they
try, the services allow exactly what the table allows, the order never reaches a state the
table forbids, and replaying its events always gives the stored state and counters."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linli.workorders import services as s
from linli.workorders.models import Action, OrderEvent, Satisfaction, Source, WorkOrder
from linli.workorders.permissions import allowed_actions, can
from linli.workorders.tests.conftest import Cast, centre
from linli.workorders.tests.test_intake import png_bytes
from linli.workorders.workflow import TRANSITIONS, replay, target_state

PEOPLE = [
    "resident", "neighbour", "grid_worker", "other_grid_worker", "grid_leader", "dispatcher",
    "other_dispatcher", "leader", "admin", "volunteer", "other_volunteer", "merchant",
    "department_staff", None,  # None: the system
]  # fmt: skip
# Everything a person or the system might try (the report is intake; overdue needs a deadline).
ACTIONS = [a for a in Action if a not in (Action.REPORT, Action.MARK_OVERDUE)]
# Steps that end an order early; tried less often so that most runs get further.
ENDINGS = {Action.CANCEL, Action.DECLINE, Action.RESOLVE_ON_SPOT}
# Steps that only comment on an order; tried less often too.
REMARKS = {Action.SUPPORT, Action.REMIND, Action.ESCALATE}
CATEGORIES = st.sampled_from(["incident", "service", "service_no_check"])
SOURCES = st.sampled_from([Source.RESIDENT, Source.PATROL, Source.HOTLINE])
PHOTO = png_bytes()


def perform(action: Action, order: WorkOrder, by: Any, cast: Cast, pick: Any) -> None:
    """Call the service for `action` with valid input."""
    note = "现场说明"
    targets: list[dict[str, Any]] = [{"to_user": cast.volunteer}]
    if order.category.allows_responder_kind("department"):
        targets += [
            {"to_unit": cast.unit},
            {"to_user": cast.department_staff, "to_unit": cast.unit},
        ]
    calls = {
        Action.FILE: lambda: s.file_order(order=order, by=by),
        Action.DECLINE: lambda: s.decline_order(order=order, by=by, note=note),
        Action.CANCEL: lambda: s.cancel_order(order=order, by=by),
        Action.RESOLVE_ON_SPOT: lambda: s.resolve_on_spot(
            order=order, by=by, note=note, photos=[PHOTO]
        ),
        Action.DISPATCH: lambda: s.dispatch_order(order=order, by=by, **pick(targets)),
        Action.CLAIM: lambda: s.claim_order(order=order, by=by),
        Action.ACCEPT: lambda: s.accept_order(order=order, by=by),
        Action.RETURN: lambda: s.return_order(order=order, by=by, note=note),
        Action.APPROVE_RETURN: lambda: s.approve_return(order=order, by=by),
        Action.REFUSE_RETURN: lambda: s.refuse_return(order=order, by=by, note=note),
        Action.REQUEST_EXTENSION: lambda: s.request_extension(
            order=order,
            by=by,
            amount=pick([1, 2]),
            unit=pick(["working_days", "working_hours"]),
            note=note,
        ),
        Action.APPROVE_EXTENSION: lambda: s.approve_extension(order=order, by=by),
        Action.REFUSE_EXTENSION: lambda: s.refuse_extension(order=order, by=by, note=note),
        Action.PARK: lambda: s.park_order(order=order, by=by, note=note),
        Action.APPROVE_PARK: lambda: s.approve_park(order=order, by=by),
        Action.REFUSE_PARK: lambda: s.refuse_park(order=order, by=by, note=note),
        Action.RESUME: lambda: s.resume_order(order=order, by=by),
        Action.HANDLE: lambda: s.handle_order(order=order, by=by, note=note),
        Action.CLOSE: lambda: s.close_order(order=order, by=by),
        Action.REWORK: lambda: s.rework_order(order=order, by=by, note=note),
        Action.RATE: lambda: s.rate_order(
            order=order,
            by=by,
            resolved=pick([True, False]),
            satisfaction=pick(list(Satisfaction.values)),
        ),
        Action.REOPEN: lambda: s.reopen_order(order=order, by=by),
        Action.ESCALATE: lambda: s.escalate_order(order=order, by=by),
        Action.REMIND: lambda: s.remind_order(order=order, by=by),
        Action.SUPPORT: lambda: s.support_order(order=order, by=by),
    }
    calls[action]()


class OrderLife(RuleBasedStateMachine):
    cast: Cast
    categories: dict[str, Any]

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint that is rolled back at teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.orders: list[WorkOrder] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @property
    def order(self) -> WorkOrder:
        return self.orders[-1]

    @initialize(category=CATEGORIES, source=SOURCES, urgent=st.booleans())
    def report(self, category: str, source: str, urgent: bool) -> None:
        lng, lat = centre(self.cast.tree["grid1a"])
        reporter = {
            Source.RESIDENT: self.cast.resident,
            Source.PATROL: self.cast.grid_worker,
            Source.HOTLINE: self.cast.dispatcher,
        }[source]
        order = s.create_order(
            source=source,
            category=self.categories[category],
            description="随机生成的诉求",
            lng=lng,
            lat=lat,
            reporter=reporter,
            requester=self.cast.resident,
            urgent=urgent,
        )
        self.orders.append(order)

    def _finished(self) -> bool:
        order = WorkOrder.objects.with_details().get(pk=self.order.pk)
        return not any(allowed_actions(getattr(self.cast, p), order) for p in PEOPLE if p)

    @precondition(lambda self: self._finished())
    @rule(category=CATEGORIES, source=SOURCES, urgent=st.booleans())
    def report_another(self, category: str, source: str, urgent: bool) -> None:
        self.report(category, source, urgent)

    def _try(self, who: str | None, action: Action, data: st.DataObject) -> None:
        order = WorkOrder.objects.with_details().get(pk=self.order.pk)
        user = getattr(self.cast, who) if who else None
        allowed = can(user, order, action)
        before_state, before_events = order.state, order.events.count()
        try:
            perform(action, order, user, self.cast, lambda xs: data.draw(st.sampled_from(xs)))
        except ValidationError as refused:
            # The input is valid, so a refusal can only come from the table.
            assert not allowed, f"{who} was refused {action} in {before_state}: {refused}"
            order.refresh_from_db()
            assert order.state == before_state
            assert order.events.count() == before_events
            return
        assert allowed, f"{who} did {action} in {before_state}, which the table forbids"
        event(f"{action} from {before_state}")
        new = list(OrderEvent.objects.filter(order=order, seq__gt=before_events).order_by("seq"))
        if action == Action.SUPPORT and not new:
            return  # supporting twice is a no-op
        first = new[0]
        assert (first.action, first.from_state) == (action, before_state)
        assert before_state in TRANSITIONS[action].sources
        assert first.to_state == target_state(action, before_state)
        # The only follow-up step a service takes on its own: closing what needs no check.
        assert [e.action for e in new[1:]] in ([], [Action.CLOSE])

    @rule(who=st.sampled_from(PEOPLE), action=st.sampled_from(ACTIONS), data=st.data())
    def anyone_tries_anything(self, who: str | None, action: Action, data: st.DataObject) -> None:
        self._try(who, action, data)

    @rule(data=st.data())
    def someone_does_what_they_may(self, data: st.DataObject) -> None:
        order = WorkOrder.objects.with_details().get(pk=self.order.pk)
        options = [
            (who, action)
            for who in PEOPLE
            if who
            for action in allowed_actions(getattr(self.cast, who), order)
        ]
        if len(options) > 1 and data.draw(st.integers(0, 4)):
            # Mostly move the order on rather than end it early or merely comment on it.
            onward = [(who, a) for who, a in options if a not in ENDINGS | REMARKS]
            options = onward or options
        if options:
            who, action = data.draw(st.sampled_from(options))
            self._try(who, action, data)

    @invariant()
    def history_replays_to_the_stored_order(self) -> None:
        for order in WorkOrder.objects.filter(pk__in=[o.pk for o in self.orders]):
            self._check_replay(order)

    def _check_replay(self, order: WorkOrder) -> None:
        replayed = replay(order)  # raises on any step the table forbids
        assert replayed.state == order.state
        assert replayed.events == order.event_seq
        assert (
            replayed.rework_count,
            replayed.return_count,
            replayed.extension_count,
            replayed.escalation_count,
            replayed.remind_count,
            replayed.reopened,
        ) == (
            order.rework_count,
            order.return_count,
            order.extension_count,
            order.escalation_count,
            order.remind_count,
            order.reopened,
        )


@pytest.mark.django_db
def test_random_lives_of_an_order_follow_the_table_and_replay(
    cast, incident_category, service_category, settings, tmp_path
):
    from linli.workorders.tests.factories import ServiceCategoryFactory

    settings.MEDIA_ROOT = tmp_path
    OrderLife.cast = cast
    OrderLife.categories = {
        "incident": incident_category,
        "service": service_category,
        "service_no_check": ServiceCategoryFactory(check_required=False),
    }
    run_state_machine_as_test(
        OrderLife,
        settings=hypothesis_settings(
            max_examples=50,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
