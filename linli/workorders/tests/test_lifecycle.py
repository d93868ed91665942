"""The paths an order takes, each step through its service, with its event and its effects."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from linli.workorders.models import (
    Action,
    OrderEvent,
    OrderState,
    PendingRequest,
    Satisfaction,
    Source,
)
from linli.workorders.services import (
    ActionRefused,
    accept_order,
    approve_extension,
    approve_park,
    approve_return,
    cancel_order,
    claim_order,
    close_order,
    decline_order,
    dispatch_order,
    escalate_order,
    file_order,
    handle_order,
    park_order,
    rate_order,
    refuse_extension,
    refuse_return,
    remind_order,
    reopen_order,
    request_extension,
    resolve_on_spot,
    resume_order,
    return_order,
    rework_order,
    support_order,
)
from linli.workorders.tests.test_intake import png_bytes
from linli.workorders.workflow import replay

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def actions(order):
    return list(order.events.order_by("seq").values_list("action", flat=True))


def assert_replays(order):
    order.refresh_from_db()
    replayed = replay(order)
    assert replayed.state == order.state
    assert (replayed.rework_count, replayed.return_count, replayed.extension_count) == (
        order.rework_count,
        order.return_count,
        order.extension_count,
    )


def test_golden_path_from_request_to_rating(make_order, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer, note="就近志愿者")
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已劝离车辆", photos=[png_bytes()])
    close_order(order=order, by=cast.grid_worker, note="现场核查无误")
    rate_order(order=order, by=cast.resident, resolved=True, satisfaction=Satisfaction.SATISFIED)
    assert order.state == OrderState.RATED
    assert actions(order) == ["report", "file", "dispatch", "accept", "handle", "close", "rate"]
    assert order.assignee == cast.volunteer
    assert order.dispatched_by == cast.grid_worker
    assert order.resolved is True and order.satisfaction == Satisfaction.SATISFIED
    assert order.dispatched_at <= order.accepted_at <= order.handled_at <= order.closed_at
    handle = order.events.get(action=Action.HANDLE)
    assert handle.photos.count() == 1
    assert_replays(order)


def test_each_step_tells_the_people_who_must_act_next(make_order, cast):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    assert cast.volunteer.notifications.filter(kind="workorder.dispatch").exists()
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="处理完毕")
    assert cast.grid_worker.notifications.filter(kind="workorder.handle").exists()
    close_order(order=order, by=cast.grid_worker)
    kinds = set(cast.resident.notifications.values_list("kind", flat=True))
    assert {"workorder.file", "workorder.dispatch", "workorder.handle", "workorder.close"} <= kinds


def test_decline_needs_a_reason(make_order, cast):
    order = make_order()
    with pytest.raises(ValidationError) as error:
        decline_order(order=order, by=cast.grid_worker, note="  ")
    assert "note" in error.value.message_dict
    decline_order(order=order, by=cast.grid_worker, note="不属于受理范围")
    assert order.state == OrderState.DECLINED


def test_dispatch_to_a_unit_is_accepted_by_its_member_who_becomes_assignee(make_order, cast):
    order = file_order(order=make_order(), by=cast.dispatcher)
    dispatch_order(order=order, by=cast.dispatcher, to_unit=cast.unit)
    assert cast.department_staff.notifications.filter(kind="workorder.dispatch").exists()
    accept_order(order=order, by=cast.department_staff)
    assert (order.assignee, order.assignee_unit) == (cast.department_staff, cast.unit)


def test_dispatch_refuses_a_responder_of_a_kind_the_category_does_not_allow(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    with pytest.raises(ValidationError) as error:
        dispatch_order(order=order, by=cast.grid_worker, to_user=cast.merchant)
    assert cast.merchant.name in error.value.message_dict["to_user"][0]
    assert order.state == OrderState.FILED


def test_dispatch_refuses_a_responder_outside_the_dispatchers_area(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    with pytest.raises(ValidationError):
        dispatch_order(order=order, by=cast.grid_worker, to_user=cast.other_volunteer)


def test_return_and_redispatch(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    return_order(order=order, by=cast.volunteer, note="需要专业部门处理")
    assert order.state == OrderState.RETURNED
    assert cast.grid_worker.notifications.filter(kind="workorder.return").exists()
    approve_return(order=order, by=cast.grid_worker)
    assert (order.state, order.assignee, order.deadline_at) == (OrderState.FILED, None, None)
    dispatch_order(order=order, by=cast.grid_worker, to_unit=cast.unit)
    accept_order(order=order, by=cast.department_staff)
    assert order.return_count == 1
    assert_replays(order)


def test_a_refused_return_goes_back_to_the_same_responder(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    return_order(order=order, by=cast.volunteer, note="不在我的服务范围")
    refuse_return(order=order, by=cast.grid_leader, note="属于本社区，请继续办理")
    assert (order.state, order.assignee) == (OrderState.DISPATCHED, cast.volunteer)


def test_rework_sends_it_back_to_the_assignee_and_is_counted(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    deadline = order.deadline_at
    handle_order(order=order, by=cast.volunteer, note="已处理")
    rework_order(order=order, by=cast.grid_worker, note="车辆仍在")
    assert (order.state, order.rework_count, order.deadline_at) == (
        OrderState.DISPATCHED,
        1,
        deadline,
    )
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已拖离")
    close_order(order=order, by=cast.grid_worker)
    assert order.rework_count == 1
    assert_replays(order)


def test_categories_without_a_check_close_when_handled(make_order, cast, incident_category):
    incident_category.check_required = False
    incident_category.save()
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已处理")
    assert order.state == OrderState.CLOSED
    close = order.events.get(action=Action.CLOSE)
    assert close.actor is None


def test_extension_pushes_the_deadline_by_working_time(make_order, cast):
    with time_machine.travel(datetime(2026, 9, 29, 9, 0, tzinfo=SH), tick=False):
        order = file_order(order=make_order(), by=cast.grid_worker)
        dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
        accept_order(order=order, by=cast.volunteer)
        # 2 working days (15 h): 7 h on 29 Sep, 7.5 h on 30 Sep, 0.5 h after the holidays.
        assert order.deadline_at == datetime(2026, 10, 8, 9, 0, tzinfo=SH)
        request_extension(order=order, by=cast.volunteer, amount=4, unit="working_hours",
                          note="等待配件")  # fmt: skip
        assert order.pending_request == PendingRequest.EXTENSION
        approve_extension(order=order, by=cast.dispatcher)
    # 4 working hours after 8 Oct 09:00: 3 h before noon and 1 h after lunch.
    assert order.deadline_at == datetime(2026, 10, 8, 14, 30, tzinfo=SH)
    assert (order.extension_count, order.pending_request) == (1, PendingRequest.NONE)
    assert order.events.get(action=Action.APPROVE_EXTENSION).data["amount"] == 4
    assert_replays(order)


def test_a_second_request_waits_for_the_first_to_be_decided(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    request_extension(order=order, by=cast.volunteer, amount=1, unit="working_days", note="雨天")
    with pytest.raises(ActionRefused):
        park_order(order=order, by=cast.volunteer, note="需要工程改造")
    refuse_extension(order=order, by=cast.dispatcher, note="请按期完成")
    assert order.extension_count == 0
    park_order(order=order, by=cast.volunteer, note="需要工程改造")


@pytest.mark.parametrize(
    ("amount", "unit"), [(0, "working_days"), (31, "working_days"), (2, "weeks")]
)
def test_extension_requests_out_of_range_are_refused(make_order, cast, amount, unit):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    with pytest.raises(ValidationError):
        request_extension(order=order, by=cast.volunteer, amount=amount, unit=unit, note="x")


def test_parking_stops_the_clock_until_resumed_or_handled(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    park_order(order=order, by=cast.volunteer, note="需纳入明年改造计划")
    approve_park(order=order, by=cast.grid_leader)
    assert order.state == OrderState.PARKED
    resume_order(order=order, by=cast.dispatcher)
    assert order.state == OrderState.ACCEPTED
    handle_order(order=order, by=cast.volunteer, note="已修复")
    assert_replays(order)


def test_dissatisfied_requester_reopens_once(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="已处理")
    close_order(order=order, by=cast.grid_worker)
    rate_order(order=order, by=cast.resident, resolved=False,
               satisfaction=Satisfaction.DISSATISFIED, comment="问题还在")  # fmt: skip
    reopen_order(order=order, by=cast.resident, note="车又停回来了")
    assert (order.state, order.reopened, order.assignee) == (OrderState.FILED, True, None)
    dispatch_order(order=order, by=cast.dispatcher, to_unit=cast.unit)
    accept_order(order=order, by=cast.department_staff)
    handle_order(order=order, by=cast.department_staff, note="已贴罚单并拖离")
    close_order(order=order, by=cast.grid_worker)
    rate_order(order=order, by=cast.resident, resolved=False,
               satisfaction=Satisfaction.DISSATISFIED)  # fmt: skip
    with pytest.raises(ActionRefused, match=r"only once|一次"):
        reopen_order(order=order, by=cast.resident)
    assert_replays(order)


def test_a_satisfied_order_cannot_be_reopened(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    resolve_on_spot(order=order, by=cast.grid_worker, note="已清理", photos=[png_bytes()])
    rate_order(order=order, by=cast.resident, resolved=True, satisfaction=Satisfaction.FAIRLY)
    with pytest.raises(ActionRefused):
        reopen_order(order=order, by=cast.resident)


def test_grid_worker_resolves_a_patrol_find_on_the_spot_with_evidence(
    make_order, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    order = make_order(source=Source.PATROL, reporter=cast.grid_worker)
    with pytest.raises(ValidationError) as error:
        resolve_on_spot(order=order, by=cast.grid_worker, note="已清理", photos=[])
    assert "photos" in error.value.message_dict
    resolve_on_spot(order=order, by=cast.grid_worker, note="已清理小广告", photos=[png_bytes()])
    assert (order.state, order.resolved_on_spot, order.assignee) == (
        OrderState.CLOSED,
        True,
        cast.grid_worker,
    )
    assert actions(order) == ["report", "resolve_on_spot"]


def test_volunteer_claims_an_open_micro_help_order(make_order, cast, service_category):
    order = make_order(category=service_category)
    claim_order(order=order, by=cast.volunteer)
    assert (order.state, order.assignee) == (OrderState.ACCEPTED, cast.volunteer)
    assert order.deadline_at is not None
    with pytest.raises(ActionRefused, match=r"someone else|他人"):
        claim_order(order=order, by=cast.volunteer)


def test_incident_orders_cannot_be_claimed(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    with pytest.raises(ActionRefused):
        claim_order(order=order, by=cast.volunteer)


def test_requester_cancels_before_dispatch_only(make_order, cast):
    order = make_order()
    cancel_order(order=order, by=cast.resident, note="已自行解决")
    assert order.state == OrderState.CANCELLED
    other = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=other, by=cast.grid_worker, to_user=cast.volunteer)
    with pytest.raises(ActionRefused):
        cancel_order(order=other, by=cast.resident)


def test_me_too_counts_each_neighbour_once_and_not_the_requester(make_order, cast):
    order = make_order()
    support_order(order=order, by=cast.neighbour)
    support_order(order=order, by=cast.neighbour)
    assert order.supporters_count == 1
    assert order.events.filter(action=Action.SUPPORT).count() == 1
    with pytest.raises(ActionRefused):
        support_order(order=order, by=cast.resident)


def test_leader_escalates_and_requester_reminds_without_changing_state(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    escalate_order(order=order, by=cast.leader, note="请加快办理")
    remind_order(order=order, by=cast.resident)
    assert (order.state, order.escalation_count, order.remind_count) == (
        OrderState.DISPATCHED,
        1,
        1,
    )
    assert cast.volunteer.notifications.filter(kind="workorder.escalate").exists()


def test_events_are_immutable(make_order):
    order = make_order()
    event = order.events.get()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        OrderEvent.objects.filter(order=order).update(note="x")
    with pytest.raises(TypeError):
        OrderEvent.objects.filter(order=order).delete()
    with pytest.raises(ProtectedError):
        order.delete()


def test_a_stale_copy_of_an_order_cannot_act_twice(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    stale = type(order).objects.get(pk=order.pk)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    with pytest.raises(ActionRefused, match=r"dispatched|已派单"):
        dispatch_order(order=stale, by=cast.dispatcher, to_unit=cast.unit)
    assert order.events.filter(action=Action.DISPATCH).count() == 1


def test_handling_after_the_deadline_marks_the_order_overdue(make_order, cast):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    with time_machine.travel(order.deadline_at + timedelta(days=1)):
        handle_order(order=order, by=cast.volunteer, note="迟到的处理")
    assert order.overdue
