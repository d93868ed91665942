"""Request types for views: after @login_required the user is a real User."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from linli.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User  # type: ignore[assignment]
