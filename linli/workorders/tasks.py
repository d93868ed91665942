"""Background work for orders (django-tasks, database backend, run by `manage.py db_worker`).

The deadline sweep schedules itself: each run enqueues the next one ORDER_SWEEP_INTERVAL_SECONDS
later (run_after), unless one is already waiting. `manage.py sweep_deadlines --schedule`
starts the chain (bin/serve runs it before the worker); it is safe to run again, and the sweep
itself is idempotent, so a duplicated chain would only waste a little work.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from linli.workorders.services.sweep import sweep_deadlines


def _sweep_waiting() -> bool:
    """Whether a sweep is already queued (database backend only; others cannot tell)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return DBTaskResult.objects.filter(
        task_path=sweep_deadlines_task.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_sweep(*, delay_seconds: int | None = None) -> bool:
    """Queue the next sweep unless one is waiting; True if one was queued."""
    if _sweep_waiting():
        return False
    delay = settings.ORDER_SWEEP_INTERVAL_SECONDS if delay_seconds is None else delay_seconds
    sweep_deadlines_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()
    return True


@task()
def sweep_deadlines_task() -> dict[str, int]:
    try:
        return sweep_deadlines().as_dict()
    finally:
        schedule_sweep()
