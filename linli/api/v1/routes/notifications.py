"""The person's in-app notifications: list (newest first, or only unread), mark one or all
read — the inbox page's reads and writes."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from linli.accounts import notifications
from linli.accounts.models import Notification
from linli.api.access.security import PERSON
from linli.api.v1 import present
from linli.api.v1.pagination import Ordering, paginate
from linli.api.v1.routes.auth import person
from linli.api.v1.routes.common import Cursor, Limit, PathId
from linli.api.v1.schemas import MarkedOut, NotificationOut, NotificationPage

router = Router(tags=["notifications"], auth=PERSON)

NEWEST = Ordering("-created_at", [("created_at", "datetime"), ("pk", "int")], descending=True)


@router.get("/notifications", response=NotificationPage, summary="Your notifications")
def notification_list(
    request: HttpRequest,
    unread: Annotated[bool, Query(False, description="Only those not read yet.")] = False,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    user = person(request)
    found = Notification.objects.for_user(user)
    if unread:
        found = found.unread()
    page = paginate(
        found, NEWEST, cursor=cursor, limit=limit, values=lambda n: [n.created_at, n.pk]
    )
    return {
        "items": [present.notification(n, request) for n in page.items],
        "next_cursor": page.next_cursor,
        "unread_count": notifications.unread_count(user),
    }


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one read"
)
def notification_read(request: HttpRequest, notification_id: PathId) -> dict[str, Any]:
    found = notifications.get_notification_for(person(request), notification_id)
    return present.notification(notifications.mark_read(notification=found), request)


@router.post("/notifications/read-all", response=MarkedOut, summary="Mark all read")
def notifications_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications.mark_all_read(user=person(request))}
