"""The stage form every renovation record shares (projects, their estates, alleys): the
date of the next stage, posted from the record's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.accounts.http import AuthenticatedHttpRequest
from linli.renewal.forms import StageForm


def advance_from_form(
    request: AuthenticatedHttpRequest, advance: Callable[[str, date], object], *, subject: str = ""
) -> str | None:
    """Move the record to the posted stage on the posted date with `advance(to, on)`. Says
    what was wrong (after `subject`, when given) and returns None, or returns the new stage."""
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date of the new stage."))
        return None
    to: str = form.cleaned_data["to"]
    try:
        advance(to, form.cleaned_data["on"])
    except ValidationError as exc:
        problems = " ".join(exc.messages)
        messages.error(request, f"{subject}: {problems}" if subject else problems)
        return None
    return to
