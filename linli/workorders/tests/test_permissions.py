"""Who may do what, from which state, in which region: the policy restated independently of
the transition table and checked against it for every action, every state and every role,
inside and outside the order's region."""

from collections.abc import Callable

import pytest
from django.http import Http404

from linli.workorders.models import Action, OrderState, Satisfaction, Source, WorkOrder
from linli.workorders.permissions import (
    allowed_actions,
    can,
    get_order_for,
    get_order_to_support,
    visible_orders,
)
from linli.workorders.services import (
    accept_order,
    approve_park,
    cancel_order,
    close_order,
    create_order,
    decline_order,
    dispatch_order,
    file_order,
    handle_order,
    park_order,
    rate_order,
    request_extension,
    return_order,
)
from linli.workorders.tests.conftest import Cast, centre

pytestmark = pytest.mark.django_db

PEOPLE = [
    "resident",  # the requester
    "neighbour",
    "grid_worker",  # of the order's grid
    "other_grid_worker",  # of a grid in the other district
    "grid_leader",  # of the order's community
    "dispatcher",  # of the order's subdistrict
    "other_dispatcher",  # of the other subdistrict
    "leader",  # city
    "admin",  # city
    "volunteer",  # the assignee once dispatched; a claimant before
    "other_volunteer",  # responder in the other community
    "merchant",  # responder of a kind the category does not allow
]
HANDLERS = {"grid_worker", "grid_leader", "dispatcher", "admin"}
SUPERVISORS = {"grid_leader", "dispatcher", "admin"}
EVERYONE_BUT_REQUESTER = set(PEOPLE) - {"resident"}

ACCEPTED_LIKE = {"accepted", "accepted_extension_pending", "accepted_park_pending"}
LIVE = {"filed", "dispatched", "returned", "parked", "handled", *ACCEPTED_LIKE}

# action → (states it may start from, people who may take it there)
POLICY: dict[Action, tuple[set[str], set[str]]] = {
    Action.FILE: ({"reported"}, HANDLERS),
    Action.DECLINE: ({"reported"}, HANDLERS),
    Action.CANCEL: ({"reported", "filed"}, {"resident", "dispatcher", "admin"}),
    Action.RESOLVE_ON_SPOT: ({"reported", "filed"}, {"grid_worker", "grid_leader"}),
    Action.DISPATCH: ({"filed"}, HANDLERS),
    Action.CLAIM: ({"filed"}, {"volunteer"}),
    Action.ACCEPT: ({"dispatched"}, {"volunteer"}),
    Action.RETURN: ({"dispatched", *ACCEPTED_LIKE}, {"volunteer"}),
    Action.APPROVE_RETURN: ({"returned"}, HANDLERS),
    Action.REFUSE_RETURN: ({"returned"}, HANDLERS),
    Action.REQUEST_EXTENSION: ({"accepted"}, {"volunteer"}),
    Action.APPROVE_EXTENSION: ({"accepted_extension_pending"}, SUPERVISORS),
    Action.REFUSE_EXTENSION: ({"accepted_extension_pending"}, SUPERVISORS),
    Action.PARK: ({"accepted"}, {"volunteer"}),
    Action.APPROVE_PARK: ({"accepted_park_pending"}, SUPERVISORS),
    Action.REFUSE_PARK: ({"accepted_park_pending"}, SUPERVISORS),
    Action.RESUME: ({"parked"}, SUPERVISORS),
    Action.HANDLE: ({"parked", *ACCEPTED_LIKE}, {"volunteer"}),
    Action.CLOSE: ({"handled"}, HANDLERS),
    Action.REWORK: ({"handled"}, HANDLERS),
    Action.RATE: ({"closed"}, {"resident", "grid_worker", "grid_leader", "dispatcher"}),
    Action.REOPEN: ({"rated"}, {"resident", "dispatcher"}),
    Action.ESCALATE: (LIVE, {"leader", "dispatcher", "admin"}),
    Action.REMIND: (
        {"dispatched", *ACCEPTED_LIKE},
        {"resident", "grid_worker", "grid_leader", "dispatcher", "leader"},
    ),
    Action.SUPPORT: ({"reported", *LIVE} - {"handled"}, EVERYONE_BUT_REQUESTER),
    # Only the system and intake take these.
    Action.REPORT: (set(), set()),
    Action.MARK_OVERDUE: (set(), set()),
}

# How to bring a hotline order (requester: the resident) into each state.
STEPS: dict[str, list[str]] = {
    "reported": [],
    "declined": ["decline"],
    "cancelled": ["cancel"],
    "filed": ["file"],
    "dispatched": ["file", "dispatch"],
    "returned": ["file", "dispatch", "return"],
    "accepted": ["file", "dispatch", "accept"],
    "accepted_extension_pending": ["file", "dispatch", "accept", "extension"],
    "accepted_park_pending": ["file", "dispatch", "accept", "park"],
    "parked": ["file", "dispatch", "accept", "park", "approve_park"],
    "handled": ["file", "dispatch", "accept", "handle"],
    "closed": ["file", "dispatch", "accept", "handle", "close"],
    "rated": ["file", "dispatch", "accept", "handle", "close", "rate"],
}


def order_in(state: str, cast: Cast, category) -> WorkOrder:
    lng, lat = centre(cast.tree["grid1a"])
    order = create_order(
        source=Source.HOTLINE,
        category=category,
        description="楼下路灯不亮",
        lng=lng,
        lat=lat,
        reporter=cast.dispatcher,
        requester=cast.resident,
    )
    steps: dict[str, Callable[[], object]] = {
        "decline": lambda: decline_order(order=order, by=cast.grid_worker, note="重复"),
        "cancel": lambda: cancel_order(order=order, by=cast.resident),
        "file": lambda: file_order(order=order, by=cast.grid_worker),
        "dispatch": lambda: dispatch_order(
            order=order, by=cast.grid_worker, to_user=cast.volunteer
        ),
        "return": lambda: return_order(order=order, by=cast.volunteer, note="不归我管"),
        "accept": lambda: accept_order(order=order, by=cast.volunteer),
        "extension": lambda: request_extension(
            order=order, by=cast.volunteer, amount=1, unit="working_days", note="等配件"
        ),
        "park": lambda: park_order(order=order, by=cast.volunteer, note="需工程改造"),
        "approve_park": lambda: approve_park(order=order, by=cast.dispatcher),
        "handle": lambda: handle_order(order=order, by=cast.volunteer, note="已修好"),
        "close": lambda: close_order(order=order, by=cast.grid_worker),
        "rate": lambda: rate_order(
            order=order, by=cast.resident, resolved=False, satisfaction=Satisfaction.DISSATISFIED
        ),
    }
    for step in STEPS[state]:
        steps[step]()
    order.refresh_from_db()
    return WorkOrder.objects.with_details().get(pk=order.pk)


@pytest.mark.parametrize("state", list(STEPS))
def test_every_action_is_allowed_exactly_to_the_people_the_policy_names(
    state, cast, service_category
):
    order = order_in(state, cast, service_category)
    mismatches = []
    for action, (states, people) in POLICY.items():
        for name in PEOPLE:
            expected = state in states and name in people
            if can(getattr(cast, name), order, action) != expected:
                mismatches.append(f"{name} {'cannot' if expected else 'can'} {action}")
    assert not mismatches, f"in state {state}: " + "; ".join(mismatches)


@pytest.mark.parametrize("state", ["reported", "filed", "handled"])
def test_allowed_actions_lists_what_can_says(state, cast, service_category):
    order = order_in(state, cast, service_category)
    for name in PEOPLE:
        user = getattr(cast, name)
        assert set(allowed_actions(user, order)) == {a for a in Action if can(user, order, a)}


def test_the_system_may_file_close_escalate_and_mark_overdue_but_nothing_else(
    cast, service_category
):
    filed = order_in("filed", cast, service_category)
    assert {a for a in Action if can(None, filed, a)} == {Action.ESCALATE}
    reported = order_in("reported", cast, service_category)
    assert {a for a in Action if can(None, reported, a)} == {Action.FILE}


def test_a_merchant_may_claim_only_categories_that_allow_merchants(cast, service_category):
    service_category.responder_kinds = ["merchant"]
    service_category.save()
    order = order_in("filed", cast, service_category)
    assert can(cast.merchant, order, Action.CLAIM)
    assert not can(cast.volunteer, order, Action.CLAIM)


def test_a_department_unit_member_acts_as_assignee(cast, incident_category):
    order = order_in("filed", cast, incident_category)
    dispatch_order(order=order, by=cast.dispatcher, to_unit=cast.unit)
    order = WorkOrder.objects.with_details().get(pk=order.pk)
    assert can(cast.department_staff, order, Action.ACCEPT)
    assert not can(cast.volunteer, order, Action.ACCEPT)


_OFFICES = {"grid_worker", "grid_leader", "dispatcher", "leader", "admin"}
VIEWERS = {
    "reported": {"resident", *_OFFICES},
    # Filed micro-help is open to claiming, so the volunteer nearby sees it; once dispatched,
    # the volunteer is its assignee.
    "filed": {"resident", "volunteer", *_OFFICES},
    "dispatched": {"resident", "volunteer", *_OFFICES},
}


@pytest.mark.parametrize("state", list(VIEWERS))
def test_orders_are_visible_by_role_and_region_and_404_for_everyone_else(
    state, cast, service_category
):
    order = order_in(state, cast, service_category)
    for name in PEOPLE:
        user = getattr(cast, name)
        visible = name in VIEWERS[state]
        assert visible_orders(user).filter(pk=order.pk).exists() == visible, name
        if visible:
            assert get_order_for(user, order.pk) == order
        else:
            with pytest.raises(Http404):
                get_order_for(user, order.pk)


def test_missing_orders_are_404(cast):
    with pytest.raises(Http404):
        get_order_for(cast.admin, 999_999)


def test_a_neighbour_who_said_me_too_may_follow_the_order(cast, service_category):
    from linli.workorders.services import support_order

    order = order_in("filed", cast, service_category)
    assert get_order_to_support(cast.neighbour, order.pk) == order
    support_order(order=order, by=cast.neighbour)
    assert get_order_for(cast.neighbour, order.pk) == order
    with pytest.raises(Http404):
        get_order_for(cast.neighbour, order.pk, write=True)
    with pytest.raises(Http404):
        get_order_to_support(cast.resident, order.pk)


def test_write_access_needs_a_relation_that_can_act(cast, service_category):
    order = order_in("handled", cast, service_category)
    assert get_order_for(cast.grid_worker, order.pk, write=True) == order
    assert get_order_for(cast.leader, order.pk, write=True) == order
    assert get_order_for(cast.volunteer, order.pk, write=True) == order


def test_inactive_users_see_nothing(cast, service_category):
    order = order_in("filed", cast, service_category)
    cast.dispatcher.is_active = False
    cast.dispatcher.save()
    assert not visible_orders(cast.dispatcher).exists()
    assert not can(cast.dispatcher, order, Action.DISPATCH)
    assert order.state == OrderState.FILED
