"""Background work for webhooks (django-tasks, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from linli.api.webhooks.services import attempt_delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = attempt_delivery(delivery_id)
    return delivery.status if delivery is not None else "skipped"
