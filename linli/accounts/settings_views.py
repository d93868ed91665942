"""我的设置 (accounts:me): everyone's own page. Who they are and their roles × regions
(read-only); name, e-mail and language; the channels they want notifications on; WeChat
binding; password. Every change goes through a service in accounts.services."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts import services
from linli.accounts.forms import ChannelsForm, PasswordChangeForm, ProfileForm
from linli.accounts.http import AuthenticatedHttpRequest
from linli.accounts.models import RoleAssignment, User
from linli.accounts.notifications import CHOICE_FIELDS, wants
from linli.lib.masking import mask_phone

# Password-change form tokens already used in this session: a resubmission is not a new try.
USED_PASSWORD_TOKENS = "linli_password_tokens"  # noqa: S105 (a session key)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _profile_form(user: User) -> ProfileForm:
    return ProfileForm(initial={"name": user.name, "email": user.email, "language": user.language})


def _channels_initial(user: User) -> dict[str, bool]:
    return {name: wants(user, name) for name in CHOICE_FIELDS}


def _page(request: AuthenticatedHttpRequest, **forms: Any) -> HttpResponse:
    user = request.user
    roles = (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("region", "organization")
        .order_by("role", "region__path")
    )
    context = {
        "roles": roles,
        "masked_phone": mask_phone(user.phone),
        "profile_form": forms.get("profile_form") or _profile_form(user),
        "channels_form": forms.get("channels_form")
        or ChannelsForm(initial=_channels_initial(user)),
        "enabled_channels": settings.NOTIFICATION_CHANNELS,
        "wechat_bound": bool(user.wechat_openid),
    }
    return render(request, "accounts/me.html", context)


@login_required
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """As Django's set_language does: the cookie outranks the person's setting in the locale
    middleware, so it must say the same for the choice to show on the next page."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
@login_required
def profile_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            changed = services.update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            language = request.user.language
            with translation.override(language):  # the next page is in the chosen language
                messages.success(request, _("Saved.") if changed else _("Nothing to change."))
            response = redirect("accounts:me")
            _set_language_cookie(response, language)
            return response
    return _page(request, profile_form=form)


@require_POST
@login_required
def channels_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChannelsForm(request.POST, initial=_channels_initial(request.user))
    if form.is_valid():
        try:
            changed = services.set_notification_channels(user=request.user, channels=form.chosen())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing to change."))
            return redirect("accounts:me")
    return _page(request, channels_form=form)


@require_POST
@login_required
def wechat_unbind(request: AuthenticatedHttpRequest) -> HttpResponse:
    if services.unbind_wechat(user=request.user):
        messages.success(request, _("WeChat is unbound. Linli sends nothing to WeChat now."))
    else:
        messages.info(request, _("No WeChat account is bound."))
    return redirect("accounts:me")


@require_http_methods(["GET", "POST"])
@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    used: list[str] = request.session.get(USED_PASSWORD_TOKENS, [])
    if form.is_valid() and form.cleaned_data["token"] and form.cleaned_data["token"] in used:
        messages.info(request, _("Your password was already changed."))
        return redirect("accounts:me")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_password(
                user=request.user, current=data["current_password"], new=data["new_password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # this session stays logged in
            if data["token"]:
                request.session[USED_PASSWORD_TOKENS] = [*used[-4:], data["token"]]
            messages.success(
                request, _("Your password was changed. Other devices must log in again.")
            )
            return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})
