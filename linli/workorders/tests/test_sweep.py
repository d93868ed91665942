"""The deadline sweep: warnings before the deadline, overdue marking, escalation by rule,
idempotent, and scheduled through the task worker."""

import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from linli.workorders.models import Action, OrderState
from linli.workorders.services import (
    accept_order,
    approve_park,
    dispatch_order,
    file_order,
    park_order,
)
from linli.workorders.services.sweep import sweep_deadlines
from linli.workorders.tasks import schedule_sweep, sweep_deadlines_task
from linli.workorders.workflow import replay

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def running(make_order, cast):
    """An order dispatched on Monday 2 March 2026 at 09:00 (2 working days: due Wed 09:00)."""
    with time_machine.travel(MONDAY_9, tick=False):
        order = file_order(order=make_order(), by=cast.grid_worker)
        dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
        accept_order(order=order, by=cast.volunteer)
    assert order.deadline_at == datetime(2026, 3, 4, 9, 0, tzinfo=SH)
    return order


def sweep_at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        return sweep_deadlines()


def test_the_assignee_is_warned_once_shortly_before_the_deadline(running, cast):
    early = sweep_at(datetime(2026, 3, 3, 17, 0, tzinfo=SH))
    assert early.warned == []
    result = sweep_at(datetime(2026, 3, 4, 7, 30, tzinfo=SH))
    assert result.warned == [running.number]
    assert sweep_at(datetime(2026, 3, 4, 8, 0, tzinfo=SH)).warned == []
    (note,) = cast.volunteer.notifications.filter(kind="workorder.near_deadline")
    assert running.number in note.title


def test_an_order_past_its_deadline_is_marked_overdue_once_by_the_system(running, cast):
    result = sweep_at(datetime(2026, 3, 4, 9, 1, tzinfo=SH))
    assert result.marked_overdue == [running.number]
    running.refresh_from_db()
    assert running.overdue and running.state == OrderState.ACCEPTED
    event = running.events.get(action=Action.MARK_OVERDUE)
    assert event.actor is None
    assert cast.volunteer.notifications.filter(kind="workorder.mark_overdue").exists()
    assert sweep_at(datetime(2026, 3, 4, 9, 30, tzinfo=SH)).marked_overdue == []
    assert replay(running).state == running.state


def test_orders_overdue_by_more_than_the_rule_are_escalated_once(running, settings):
    settings.ORDER_ESCALATE_AFTER_OVERDUE_HOURS = 8
    # Due Wed 09:00; by Thu 09:00 it is 7.5 working hours late: not yet.
    assert sweep_at(datetime(2026, 3, 5, 9, 0, tzinfo=SH)).escalated == []
    # Thu 09:30 is 8 working hours late.
    assert sweep_at(datetime(2026, 3, 5, 9, 30, tzinfo=SH)).escalated == [running.number]
    assert sweep_at(datetime(2026, 3, 6, 9, 0, tzinfo=SH)).escalated == []
    running.refresh_from_db()
    assert (running.escalation_count, running.auto_escalated) == (1, True)
    assert running.events.get(action=Action.ESCALATE).actor is None


def test_parked_orders_are_not_swept(running, cast):
    park_order(order=running, by=cast.volunteer, note="需要工程改造")
    approve_park(order=running, by=cast.dispatcher)
    result = sweep_at(datetime(2026, 3, 20, 9, 0, tzinfo=SH))
    assert result.as_dict() == {"warned": 0, "marked_overdue": 0, "escalated": 0, "failed": 0}


def test_the_command_runs_one_sweep_and_prints_what_it_did(running):
    out = StringIO()
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=SH), tick=False):
        call_command("sweep_deadlines", stdout=out)
    assert json.loads(out.getvalue())["marked_overdue"] == 1


def test_scheduling_queues_one_sweep_however_often_it_is_asked(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("sweep_deadlines", "--schedule", stdout=out)
    call_command("sweep_deadlines", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == ["sweep queued", "a sweep is already queued"]
    assert DBTaskResult.objects.filter(task_path=sweep_deadlines_task.module_path).count() == 1
    assert not schedule_sweep()


def test_each_sweep_task_queues_the_next_one_later(running, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ORDER_SWEEP_INTERVAL_SECONDS = 300
    moment = datetime(2026, 3, 4, 10, 0, tzinfo=SH)
    with time_machine.travel(moment, tick=False):
        assert sweep_deadlines_task.call()["marked_overdue"] == 1
    (queued,) = DBTaskResult.objects.filter(task_path=sweep_deadlines_task.module_path)
    assert queued.run_after == moment + timedelta(seconds=300)
