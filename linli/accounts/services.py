"""Writes for accounts: logins (password and SMS code, with lockout), a person's own settings
(我的设置: profile, notification channels, WeChat binding, password), audit entries and the
sensitive-data access log."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection
from datetime import timedelta
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import AuditEntry, OneTimeCode, SensitiveAccessLog, User
from linli.accounts.notifications import CHOICE_FIELDS, notify
from linli.lib.phone import is_mobile, normalize_phone
from linli.lib.sms import send_sms


class LoginError(Exception):
    """A login that failed, with a message fit to show the person."""


def _lockout_message(user: User) -> str:
    local = timezone.localtime(user.locked_until)
    return _("Too many failed attempts. Try again after %(time)s.") % {
        "time": local.strftime("%H:%M")
    }


def record_login_failure(*, user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            record_audit(
                actor=None,
                action="account.locked",
                target=user,
                summary=f"locked after {settings.LOGIN_MAX_FAILURES} failed logins",
            )


def _clear_failures(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])


def login_with_password(*, phone: str, password: str) -> User:
    phone = normalize_phone(phone)
    known = User.objects.filter(phone=phone).first()
    if known is not None and known.is_locked():
        raise LoginError(_lockout_message(known))
    user = authenticate(phone=phone, password=password)
    if not isinstance(user, User):
        if known is not None:
            record_login_failure(user=known)
            known.refresh_from_db(fields=["locked_until"])
            if known.is_locked():
                raise LoginError(_lockout_message(known))
        raise LoginError(_("The mobile number or password is wrong."))
    _clear_failures(user)
    return user


def _hash_code(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), sha256).hexdigest()


def send_login_code(*, phone: str) -> None:
    """Send a six-digit login code. Unknown numbers get the same answer as known ones."""
    phone = normalize_phone(phone)
    if not is_mobile(phone):
        raise LoginError(_("Enter a mainland mobile number of 11 digits starting with 1."))
    now = timezone.now()
    recent = OneTimeCode.objects.filter(
        phone=phone, created_at__gt=now - timedelta(seconds=settings.SMS_CODE_RESEND_SECONDS)
    )
    if recent.exists():
        raise LoginError(
            _("A code was sent a moment ago. Please wait a minute before asking again.")
        )
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.create(
        phone=phone,
        code_hash=_hash_code(phone, code),
        expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    text = _("[Linli] Your login code is %(code)s, valid for %(minutes)d minutes.") % {
        "code": code,
        "minutes": minutes,
    }
    transaction.on_commit(lambda: send_sms(phone, text))


def login_with_code(*, phone: str, code: str) -> User:
    phone = normalize_phone(phone)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is not None and user.is_locked():
        raise LoginError(_lockout_message(user))
    # Failures are saved before the error is raised, outside the transaction that counts them.
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if otp is None or user is None:
            error = _("The code has expired or was never sent. Ask for a new one.")
        elif otp.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            error = _("Too many wrong codes. Ask for a new one.")
        elif not hmac.compare_digest(otp.code_hash, _hash_code(phone, code.strip())):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            record_login_failure(user=user)
            error = _("The code is wrong.")
        else:
            error = ""
            otp.used_at = timezone.now()
            otp.save(update_fields=["used_at"])
    if error or user is None:
        raise LoginError(error)
    _clear_failures(user)
    return user


# A person's own settings (我的设置). Each returns what changed; unchanged values write nothing,
# so submitting the same form twice is harmless.

PROFILE_FIELDS = ("name", "email", "language")


@transaction.atomic
def update_profile(*, user: User, name: str, email: str, language: str) -> list[str]:
    """Change the person's own name, e-mail and language. Returns the fields that changed."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    before = {field: getattr(fresh, field) for field in PROFILE_FIELDS}
    fresh.name = name.strip()
    fresh.email = User.objects.normalize_email(email.strip())
    fresh.language = language
    changed = [field for field in PROFILE_FIELDS if getattr(fresh, field) != before[field]]
    if not changed:
        return []
    fresh.full_clean(exclude=["password"])
    fresh.save(update_fields=changed)
    for field in changed:  # the caller's instance (request.user) shows the new values too
        setattr(user, field, getattr(fresh, field))
    record_audit(
        actor=user,
        action="account.profile_changed",
        target=user,
        summary=f"changed own {', '.join(changed)}",
        data={field: [before[field], getattr(fresh, field)] for field in changed},
    )
    return changed


@transaction.atomic
def set_own_language(*, user: User, language: str) -> bool:
    """Keep the language the person chose with the header's switch: it words their pages when
    no cookie says otherwise, and their notifications. Returns False when it was already
    theirs; an unknown language raises ValidationError."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    before = fresh.language
    if language == before:
        return False
    fresh.language = language
    # Only the language is checked: an old, odd value elsewhere on the row must not stop it.
    fresh.clean_fields(exclude=[f.name for f in User._meta.concrete_fields if f.name != "language"])
    fresh.save(update_fields=["language"])
    user.language = language
    record_audit(
        actor=user,
        action="account.profile_changed",
        target=user,
        summary="changed own language",
        data={"language": [before, language]},
    )
    return True


@transaction.atomic
def set_notification_channels(*, user: User, channels: Collection[str]) -> list[str]:
    """Keep which outside channels (sms, wechat, email) the person wants notifications on;
    the ones not named are turned off. Returns the channels whose choice changed."""
    if unknown := set(channels) - set(CHOICE_FIELDS):
        raise ValidationError(
            _("Unknown notification channels: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    fresh = User.objects.select_for_update().get(pk=user.pk)
    changed = [
        name for name, field in CHOICE_FIELDS.items() if getattr(fresh, field) != (name in channels)
    ]
    if not changed:
        return []
    fields = [CHOICE_FIELDS[name] for name in changed]
    for field in fields:
        setattr(fresh, field, not getattr(fresh, field))
    fresh.full_clean(exclude=["password"])
    fresh.save(update_fields=fields)
    for field in fields:
        setattr(user, field, getattr(fresh, field))
    record_audit(
        actor=user,
        action="account.notification_channels_changed",
        target=user,
        summary="notification channels: "
        + ", ".join(f"{name} {'on' if name in channels else 'off'}" for name in changed),
        data={name: name in channels for name in changed},
    )
    return changed


@transaction.atomic
def unbind_wechat(*, user: User) -> bool:
    """Forget the person's WeChat openid: no more WeChat messages until they bind again by
    opening Linli in WeChat. Returns False when nothing was bound."""
    fresh = User.objects.select_for_update().get(pk=user.pk)
    user.wechat_openid = ""
    if not fresh.wechat_openid:
        return False
    fresh.wechat_openid = ""
    fresh.full_clean(exclude=["password"])
    fresh.save(update_fields=["wechat_openid"])
    record_audit(actor=user, action="account.wechat_unbound", target=user, summary="unbound WeChat")
    return True


def change_password(*, user: User, current: str, new: str) -> None:
    """Change the person's password after checking the current one, with the login's lockout:
    each wrong current password counts as a failed login, and a locked account changes
    nothing. Raises ValidationError naming the field; the caller keeps the session
    (update_session_auth_hash), every other session of the person ends."""
    if not user.has_usable_password():
        raise ValidationError(_("Your account has no password: log in with an SMS code."))
    if user.is_locked():
        raise ValidationError(_lockout_message(user))
    # Counted outside any transaction, so the failure survives the error raised after it.
    if not user.check_password(current):
        record_login_failure(user=user)
        user.refresh_from_db(fields=["locked_until"])
        if user.is_locked():
            raise ValidationError(_lockout_message(user))
        raise ValidationError(
            {"current_password": _("Current password: it is wrong. Check it and try again.")}
        )
    if new == current:
        raise ValidationError(
            {"new_password1": _("New password: choose one different from the current one.")}
        )
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": field_errors(_("New password"), exc)}) from exc
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        _clear_failures(user)
        record_audit(
            actor=user, action="account.password_changed", target=user, summary="changed password"
        )
        notify(
            user=user,
            title=gettext_lazy("Your Linli password was changed"),
            body=gettext_lazy(
                "If this was not you, log in with an SMS code at once and change the password "
                "again on My settings."
            ),
            url=reverse("accounts:me"),
            kind="account.password_changed",
        )


def field_errors(label: str, error: ValidationError) -> list[str]:
    """Django's messages for one field, each starting with the field's name."""
    return [
        _("%(field)s: %(message)s") % {"field": label, "message": message}
        for message in error.messages
    ]


def record_audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    summary: str,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        summary=summary[:255],
        data=data or {},
    )


def record_sensitive_access(
    *, viewer: User, subject: models.Model, field: str, ip: str | None = None
) -> SensitiveAccessLog:
    return SensitiveAccessLog.objects.create(
        viewer=viewer,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        subject_label=str(subject)[:100],
        field=field,
        ip=ip,
    )
