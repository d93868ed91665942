"""Template tags for the header: `{% load inbox %}` then `{% unread_count %}` (a number, or
`{% unread_count as n %}`) or `{% inbox_link %}` (the 消息 link with its unread badge)."""

from typing import Any

from django import template

from linli.accounts.notifications import unread_count as count_unread

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    user = _user(context)
    return count_unread(user) if user is not None else 0


@register.inclusion_tag("accounts/_inbox_link.html", takes_context=True)
def inbox_link(context: template.Context) -> dict[str, Any]:
    return {"count": unread_count(context)}
