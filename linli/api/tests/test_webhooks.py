"""Webhooks: order events reach the registered URLs after commit as HMAC-signed JSON,
failures are retried with exponential backoff by the background worker, and every attempt
is logged. The receiver is a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linli.accounts.models import Role
from linli.api.tests.open311_setup import City, open311_city
from linli.api.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from linli.api.webhooks.services import attempt_delivery, backoff_seconds, post, redeliver
from linli.api.webhooks.tasks import deliver_webhook
from linli.workorders.models import Action, WorkOrder
from linli.workorders.services import file_order

__all__ = ["open311_city"]

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # status codes to give, in turn; then 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append((dict(self.headers.items()), body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"receiver says no")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _hook(url: str, **extra: Any) -> Webhook:
    hook = Webhook(name="大屏", url=url, secret="s3cret", **extra)
    hook.full_clean()
    hook.save()
    return hook


def _order(city: City, capture: Any) -> WorkOrder:
    with capture(execute=True):
        return city.order(requester_name="王小红", requester_phone="13812345678")


def test_an_order_event_queues_a_delivery_for_each_hook_that_wants_it(
    open311_city: City, django_capture_on_commit_callbacks: Any
) -> None:
    every = _hook("http://127.0.0.1:9/a")
    _hook("http://127.0.0.1:9/b", events=[Action.DISPATCH])
    _hook("http://127.0.0.1:9/c", is_active=False)
    order = _order(open311_city, django_capture_on_commit_callbacks)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.webhook == every and delivery.event_type == "order.report"
    assert delivery.payload["order"]["number"] == order.number
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_webhook").count() == 1
    text = json.dumps(delivery.payload, ensure_ascii=False)
    assert "王小红" not in text and "13812345678" not in text


def test_nothing_is_sent_for_an_event_that_is_rolled_back(
    open311_city: City, django_capture_on_commit_callbacks: Any
) -> None:
    _hook("http://127.0.0.1:9/a")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                open311_city.order()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert not WebhookDelivery.objects.exists()


def test_deliveries_are_signed_json_with_the_event(
    open311_city: City, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    _hook(receiver.url)
    order = _order(open311_city, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    deliver_webhook.call(delivery.pk)
    ((headers, body),) = receiver.received
    expected = hmac.new(
        b"s3cret", headers["X-Linli-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Linli-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Linli-Event"] == "order.report"
    payload = json.loads(body)
    assert payload["id"] == headers["X-Linli-Delivery"] == str(delivery.uuid)
    assert payload["event"]["action"] == "report"
    assert payload["order"]["number"] == order.number
    assert payload["order"]["url"].endswith(f"/orders/{order.pk}/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.delivered_at is not None
    (attempt,) = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.response_snippet) == (1, 200, "ok")
    assert attempt.next_retry_at is None


def test_every_step_of_an_order_is_delivered(
    open311_city: City, receiver: Receiver, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _hook(receiver.url)
    order = _order(open311_city, django_capture_on_commit_callbacks)
    worker = make_user(Role.GRID_WORKER, open311_city.tree["grid1a"])
    with django_capture_on_commit_callbacks(execute=True):
        file_order(order=order, by=worker)
    assert list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True)) == [
        "order.report",
        "order.file",
    ]


def test_failures_are_retried_with_exponential_backoff_then_given_up(
    open311_city: City,
    receiver: Receiver,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_SECONDS = 60
    _hook(receiver.url)
    _order(open311_city, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500, 503, 500]
    waits = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            attempt_delivery(delivery.pk)
        delivery.refresh_from_db()
        if delivery.next_retry_at is not None:
            waits.append(round((delivery.next_retry_at - timezone.now()).total_seconds()))
    assert waits == [60, 120]
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    codes = list(delivery.attempt_log.values_list("status_code", "response_snippet"))
    assert codes == [
        (500, "receiver says no"),
        (503, "receiver says no"),
        (500, "receiver says no"),
    ]
    # The database backend marks "no run_after" with the year 9999.
    later = DBTaskResult.objects.filter(
        task_path__endswith="deliver_webhook", run_after__year__lt=9999
    )
    assert later.count() == 2
    assert attempt_delivery(delivery.pk) is None  # finished: nothing more is sent
    assert len(receiver.received) == 3


def test_backoff_doubles_up_to_an_hour(settings: Any) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 60
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 7, 20)] == [60, 120, 240, 480, 3600, 3600]


def test_a_retry_after_fixing_the_receiver_succeeds(
    open311_city: City, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    _hook(receiver.url)
    _order(open311_city, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [502]
    attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_a_redirect_or_an_unreachable_receiver_is_a_failed_attempt(
    open311_city: City, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.answers = [302]
    outcome = post(receiver.url, b"{}", {})
    assert outcome.status_code == 302 and not outcome.ok
    assert len(receiver.received) == 1  # the redirect was not followed
    closed = post("http://127.0.0.1:9/nothing-listens", b"{}", {})
    assert closed.status_code is None and closed.error
    assert not post("file:///etc/passwd", b"{}", {}).ok


def test_only_http_and_https_urls_may_be_registered() -> None:
    for url in ("ftp://127.0.0.1/hook", "file:///tmp/hook", "javascript:alert(1)"):
        with pytest.raises(ValidationError):
            Webhook(name="x", url=url).full_clean()


def test_a_switched_off_hook_is_not_called(
    open311_city: City, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    hook = _hook(receiver.url)
    _order(open311_city, django_capture_on_commit_callbacks)
    hook.is_active = False
    hook.save(update_fields=["is_active"])
    delivery = attempt_delivery(WebhookDelivery.objects.get().pk)
    assert delivery is not None and delivery.status == DeliveryStatus.FAILED
    assert receiver.received == []


def test_admin_shows_the_delivery_log_and_sends_again(
    open311_city: City,
    receiver: Receiver,
    client: Client,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(make_user(is_staff=True, is_superuser=True))
    admin_client = client
    hook = _hook(receiver.url)
    _order(open311_city, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500]
    attempt_delivery(delivery.pk)
    page = admin_client.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and "receiver says no" in page.content.decode()
    assert admin_client.get("/admin/api/webhook/").status_code == 200
    assert admin_client.get(f"/admin/api/webhook/{hook.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        redeliver(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert timezone.now() - delivery.created_at < timedelta(minutes=1)
