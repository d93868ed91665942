"""Resident identity card numbers (GB 11643): 18 characters with an ISO 7064 check digit."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate_id_number(value: str) -> None:
    value = value.upper()
    if not _SHAPE.match(value):
        raise ValidationError(_("An ID number has 17 digits and a check character."), code="id")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The ID number holds an impossible birth date."), code="id"
        ) from exc
    if check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The ID number's check character is wrong."), code="id")
