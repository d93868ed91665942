"""How a request to the JSON API says who it is: `Authorization: Bearer <token>` for apps,
or the session cookie of the site's own pages (with Django's CSRF check on writes)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from linli.accounts.models import User
from linli.api.access.models import ApiToken
from linli.api.access.tokens import token_for_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfFailed(Exception):
    """A signed-in page wrote through the API without the CSRF token."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The page's security token (CSRF) is missing or wrong. Reload the page and try again."
            )
        )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer linli_…`: an app token, acting as the person it belongs to."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for_key(token.strip())
        if found is not None:
            request.user = found.user
        return found


class SessionAuth(APIKeyCookie):
    """The session of someone signed in to the site. Unlike ninja's own, the CSRF check runs
    only for a signed-in session, so a request without one is told it is not signed in (401)
    rather than that a CSRF token is missing."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request) is not None:
            raise CsrfFailed
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
# Operations that need a person: a token first, then the session.
PERSON = [token_auth, session_auth]
