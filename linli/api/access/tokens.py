"""Making, finding and revoking app tokens. A key is `linli_` and 43 random URL-safe
characters (256 bits); only its SHA-256 is stored, which is enough for a random key."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.services import login_with_password, record_audit
from linli.api.access.models import ApiToken, ApiTokenQuerySet

KEY_PREFIX = "linli_"
PREFIX_SHOWN = 12  # "linli_" and the first six random characters
# last_used_at is written at most this often per token, so reads stay reads.
TOUCH_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name: say which app or device the token is for.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Name: keep it under 100 characters.")})
    return name


@transaction.atomic
def issue_token(*, user: User, name: str, by: User | None) -> tuple[ApiToken, str]:
    """A new token for `user`, made by `by` (the person themselves or an admin). Returns the
    token and its key, which is never shown again. Past API_TOKENS_PER_USER active tokens,
    the least recently used ones are revoked."""
    name = _clean_name(name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, prefix=key[:PREFIX_SHOWN], key_hash=hash_key(key), created_by=by
    )
    token.full_clean(exclude=["user", "created_by", "revoked_by"])
    token.save()
    record_audit(
        actor=by, action="api_token.created", target=token, summary=f"{user.phone}: {name}"
    )
    excess = (
        ApiToken.objects.active()
        .filter(user=user)
        .order_by(Coalesce("last_used_at", "created_at").desc(), "-pk")[
            settings.API_TOKENS_PER_USER :
        ]
    )
    for old in excess:
        revoke_token(token=old, by=None)
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User | None) -> ApiToken:
    """Revoke a token at once: the next request with its key is refused."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_audit(actor=by, action="api_token.revoked", target=token, summary=token.name)
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The active token with this key whose person may still log in; None otherwise."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # A queryset update: two requests at once both succeed, neither overwrites more.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_from_password(*, phone: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """POST /auth/token: log in with the mobile number and password (failed attempts count
    towards the same lockout as the login page) and issue a token. Raises LoginError."""
    user = login_with_password(phone=phone, password=password)
    return issue_token(user=user, name=name or _("App login"), by=user)


def tokens_of(user: User) -> ApiTokenQuerySet:
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )


def get_own_token(user: User, pk: int) -> ApiToken:
    """One of the person's own tokens; 404 for anyone else's, as for a missing one."""
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404("No such token")
    return token
