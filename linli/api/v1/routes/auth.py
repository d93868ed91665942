"""Signing in: a token for an app from a mobile number and password, who am I, and
revoking the token in use (an app's "log out")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from linli.accounts.models import Role, User
from linli.api.access import ratelimit
from linli.api.access.models import ApiToken
from linli.api.access.security import PERSON
from linli.api.access.tokens import revoke_token, token_from_password
from linli.api.v1.errors import ApiError
from linli.api.v1.present import region_ref
from linli.api.v1.schemas import ApiErrorOut, MeOut, TokenIn, TokenOut
from linli.territory.permissions import role_assignments

router = Router(tags=["auth"])


def person(request: HttpRequest) -> User:
    """The person the request acts as (token or session); the auth classes set it."""
    user = request.user
    if not isinstance(user, User):
        raise ApiError(401, _("Sign in, or send an API token as “Authorization: Bearer <token>”."))
    return user


@router.post(
    "/auth/token",
    response={201: TokenOut, 401: ApiErrorOut},
    auth=None,
    throttle=[ratelimit.CallerThrottle(), ratelimit.LoginThrottle()],
    summary="Get a token with a mobile number and password",
)
def create_token(request: HttpRequest, data: TokenIn) -> tuple[int, dict[str, Any]]:
    """Logs in as the login page does (five wrong passwords lock the number for a while) and
    answers a new token. Send it as `Authorization: Bearer <token>`; it is shown only once."""
    token, key = token_from_password(phone=data.phone, password=data.password, name=data.name)
    return 201, {
        "token": key,
        "token_id": token.pk,
        "name": token.name,
        "user": {"id": token.user.pk, "name": token.user.name},
    }


@router.delete("/auth/token", response={204: None}, auth=PERSON, summary="Revoke this token")
def delete_token(request: HttpRequest) -> tuple[int, None]:
    """Revokes the token the request was sent with (an app's "log out")."""
    if not isinstance(request.auth, ApiToken):  # type: ignore[attr-defined]
        raise ApiError(
            422,
            _("Request: only a request sent with a token can revoke it."),
            field="Authorization",
        )
    revoke_token(token=request.auth, by=person(request))  # type: ignore[attr-defined]
    return 204, None


@router.get("/me", response=MeOut, auth=PERSON, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = person(request)
    return {
        "id": user.pk,
        "name": user.name,
        "phone": user.phone,  # one's own number, unmasked, as on the "me" page
        "language": user.language,
        "roles": [
            {
                "role": a.role,
                "role_label": str(Role(a.role).label),
                "region": region_ref(a.region),
                "responder_kind": a.responder_kind,
            }
            for a in role_assignments(user)
        ],
    }
