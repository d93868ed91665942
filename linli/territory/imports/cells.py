"""Cell parsers for territory ledgers: each returns a clean value or raises CellError with a
message for the person who filled the sheet (the ledger adds sheet, row and column)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.lib.idcard import validate_id_number
from linli.lib.ledger import CellError, parse_code
from linli.lib.phone import is_mobile, normalize_phone

DIVISION_CODE = re.compile(r"^\d{12}$")
# Grid and estate codes end up in URLs (/r/<code>/): no slashes, no spaces.
PLAIN_CODE = re.compile(r"^[^\s/\\?#%]{1,32}$")


def parse_division_code(value: Any) -> str:
    code = parse_code(value)
    if not DIVISION_CODE.match(code):
        raise CellError(
            _("A division code has exactly 12 digits (got %(value)s).") % {"value": code}
        )
    return code


def parse_plain_code(value: Any) -> str:
    code = parse_code(value)
    if not PLAIN_CODE.match(code):
        raise CellError(
            _("A code has at most 32 characters and no spaces or slashes (got %(value)s).")
            % {"value": code}
        )
    return code


def parse_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if len(text) > max_length:
            raise CellError(
                _("At most %(max)d characters (this has %(length)d).")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


def parse_year(value: Any) -> int:
    if isinstance(value, datetime | date):
        value = value.year
    text = str(value).strip().removesuffix("年")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit():
        raise CellError(_("Expected a year such as 1995, not %(value)s.") % {"value": value})
    year = int(text)
    if not 1800 <= year <= timezone.localdate().year:
        raise CellError(_("The year %(year)d is not possible.") % {"year": year})
    return year


_DATE_SHAPES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if isinstance(value, int | float) and float(value).is_integer():
        text = str(int(value))  # 19800102 typed as a number
    for shape in _DATE_SHAPES:
        match = shape.match(text)
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
            if day > timezone.localdate():
                raise CellError(_("The date %(date)s lies in the future.") % {"date": text})
            return day
    raise CellError(_("Expected a date such as 1980-01-31, not %(value)s.") % {"value": text})


def parse_id_number(value: Any) -> str:
    text = parse_code(value).upper().replace(" ", "")
    try:
        validate_id_number(text)
    except ValidationError as exc:
        raise CellError(" ".join(str(m) for m in exc.messages)) from exc
    return text


def parse_phone(value: Any) -> str:
    text = normalize_phone(parse_code(value))
    if not is_mobile(text):
        raise CellError(
            _("Enter a mainland mobile number of 11 digits starting with 1 (got %(value)s).")
            % {"value": value}
        )
    return text


def parse_labels(labels: Mapping[str, str]) -> Callable[[Any], str]:
    """Accept a Chinese label or the stored value, ignoring spaces; name the choices if not."""

    def parse(value: Any) -> str:
        text = re.sub(r"\s+", "", str(value))
        if text in labels:
            return labels[text]
        if text in labels.values():
            return text
        options = "、".join(dict.fromkeys(labels))
        raise CellError(_("Expected one of: %(options)s.") % {"options": options})

    return parse
