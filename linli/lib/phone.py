"""Mainland China mobile numbers: normalise, validate, mask."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix; return the 11 digits."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits


def is_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))


def validate_mobile(value: str) -> None:
    if not is_mobile(value):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 1."), code="phone"
        )
