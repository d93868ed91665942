"""The in-app inbox: a person's notifications, unread first, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linli.accounts import notifications
from linli.accounts.http import AuthenticatedHttpRequest

PAGE_SIZE = 30


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notifications.inbox_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unread = notifications.unread_count(request.user)
    return render(request, "accounts/inbox.html", {"page": page, "unread": unread})


@require_POST
@login_required
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open` go on to what it links to."""
    notification = notifications.get_notification_for(request.user, pk)
    notifications.mark_read(notification=notification)
    if "open" in request.POST and notification.url:
        # notify() only stores paths on this site, so this is never an open redirect.
        return redirect(notification.url)
    if request.htmx:
        return render(request, "accounts/inbox.html#item", {"notification": notification})
    return redirect("accounts:inbox")


@require_POST
@login_required
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications.mark_all_read(user=request.user)
    return redirect("accounts:inbox")
