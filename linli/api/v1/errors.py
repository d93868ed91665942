"""Errors of the JSON API: always JSON, with a stable `code`, a `message` in the caller's
language (Chinese unless English is asked for), the `field` it is about, and every problem
in `errors`. `detail` repeats the problems per field, as ninja's own errors have it.

    {"code": "validation_error", "message": "描述：请填写。", "field": "description",
     "errors": [{"field": "description", "code": "missing", "message": "描述：请填写。"}],
     "detail": {"description": ["描述：请填写。"]}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ErrorCode(models.TextChoices):
    BAD_REQUEST = "bad_request", gettext_lazy("The request could not be read.")
    MALFORMED_JSON = "malformed_json", gettext_lazy("The body is not valid JSON.")
    VALIDATION_ERROR = "validation_error", gettext_lazy("Some input is not valid.")
    NOT_AUTHENTICATED = "not_authenticated", gettext_lazy("Sign in or send a valid token.")
    LOGIN_FAILED = "login_failed", gettext_lazy("The login failed.")
    CSRF_FAILED = "csrf_failed", gettext_lazy("The CSRF token is missing or wrong.")
    FORBIDDEN = "forbidden", gettext_lazy("You may not do this.")
    NOT_FOUND = "not_found", gettext_lazy("Not found, or not yours to see.")
    METHOD_NOT_ALLOWED = "method_not_allowed", gettext_lazy("This method is not allowed here.")
    ACTION_NOT_ALLOWED = "action_not_allowed", gettext_lazy("This action is not allowed now.")
    PAYLOAD_TOO_LARGE = "payload_too_large", gettext_lazy("The request is too large.")
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type", gettext_lazy("Send JSON or a form.")
    RATE_LIMITED = "rate_limited", gettext_lazy("Too many requests.")
    SERVER_ERROR = "server_error", gettext_lazy("Something went wrong on our side.")


STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.ACTION_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
    500: ErrorCode.SERVER_ERROR,
}

# How each input field is called in messages (the field's own name is in `field`).
FIELD_LABELS: dict[str, Promise] = {
    "phone": gettext_lazy("Mobile number"),
    "password": gettext_lazy("Password"),
    "name": gettext_lazy("Token name"),
    "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"),
    "lng": gettext_lazy("Longitude"),
    "lat": gettext_lazy("Latitude"),
    "crs": gettext_lazy("Coordinate system"),
    "location": gettext_lazy("Place"),
    "address": gettext_lazy("Address or landmark"),
    "urgent": gettext_lazy("Urgent"),
    "name_public": gettext_lazy("Show name publicly"),
    "client_token": gettext_lazy("Client token"),
    "source": gettext_lazy("Source"),
    "photos": gettext_lazy("Photos"),
    "note": gettext_lazy("Note"),
    "responder_id": gettext_lazy("Responder"),
    "unit_id": gettext_lazy("Unit"),
    "amount": gettext_lazy("Amount of time"),
    "unit": gettext_lazy("Unit of time"),
    "resolved": gettext_lazy("Solved"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "comment": gettext_lazy("Comment"),
    "region": gettext_lazy("Region"),
    "state": gettext_lazy("State"),
    "start": gettext_lazy("Start date"),
    "end": gettext_lazy("End date"),
    "overdue": gettext_lazy("Overdue"),
    "cursor": gettext_lazy("Cursor"),
    "limit": gettext_lazy("Page size"),
    "ordering": gettext_lazy("Ordering"),
    "order_id": gettext_lazy("Order id"),
    "notification_id": gettext_lazy("Notification id"),
    "kind": gettext_lazy("Kind"),
    "month": gettext_lazy("Month"),
    "body": gettext_lazy("Body"),
}


def field_label(field: str | None) -> str:
    if not field:
        return _("Request")
    leaf = field.rsplit(".", 1)[-1]
    label = FIELD_LABELS.get(leaf)
    return str(label) if label is not None else field


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or STATUS_CODES.get(status, ErrorCode.BAD_REQUEST).value
        self.field = field
        self.errors = errors or []
        self.extra = dict(extra or {})

    def as_body(self) -> dict[str, Any]:
        return body(self.code, self.message, field=self.field, errors=self.errors, extra=self.extra)


def body(
    code: str,
    message: str,
    *,
    field: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    problems = list(errors) or [{"field": field, "code": code, "message": message}]
    detail: dict[str, list[str]] = {}
    for problem in problems:
        detail.setdefault(problem["field"] or "__all__", []).append(problem["message"])
    return {
        "code": code,
        "message": message,
        "field": field,
        "errors": problems,
        "detail": detail,
        **(extra or {}),
    }


def invalid(problems: list[dict[str, Any]]) -> ApiError:
    """A 422 naming the first problem's field, with every problem listed."""
    first = problems[0]
    return ApiError(
        422,
        first["message"],
        code=ErrorCode.VALIDATION_ERROR,
        field=first["field"],
        errors=problems,
    )


def problems_from_messages(messages: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """A Django ValidationError's message dict as API problems (field `__all__` → None)."""
    return [
        {
            "field": None if name == "__all__" else name,
            "code": "invalid",
            "message": str(text),
        }
        for name, texts in messages.items()
        for text in texts
    ]


def _kind(error_type: str) -> str:
    """What a pydantic type error expected, in words."""
    kinds = {
        "int": _("a whole number"),
        "float": _("a number"),
        "decimal": _("a number"),
        "bool": _("true or false"),
        "string": _("text"),
        "str": _("text"),
        "date": _("a date (YYYY-MM-DD)"),
        "datetime": _("a date and time (ISO 8601)"),
        "list": _("a list"),
        "dict": _("an object"),
        "model": _("an object"),
    }
    for prefix, words in kinds.items():
        if error_type.startswith(prefix):
            return words
    return _("a valid value")


def pydantic_message(error: Mapping[str, Any], label: str) -> str:
    """One pydantic (or ninja) error in the caller's language, starting with the field."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("%(field)s: this is required.") % {"field": label}
    if kind == "string_too_long":
        return _("%(field)s: keep it under %(max)s characters.") % {
            "field": label,
            "max": ctx.get("max_length"),
        }
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("%(field)s: this cannot be empty.") % {"field": label}
        return _("%(field)s: at least %(min)s characters.") % {
            "field": label,
            "min": ctx.get("min_length"),
        }
    if kind in ("literal_error", "enum"):
        return _("%(field)s: choose one of %(expected)s.") % {
            "field": label,
            "expected": ctx.get("expected", ""),
        }
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return _("%(field)s: must be at least %(limit)s.") % {"field": label, "limit": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return _("%(field)s: must be at most %(limit)s.") % {"field": label, "limit": limit}
    if kind == "text_not_storable":
        return _("%(field)s: text must not contain NUL characters or broken Unicode.") % {
            "field": label
        }
    if kind == "finite_number":
        return _("%(field)s: must be a finite number.") % {"field": label}
    if kind == "extra_forbidden":
        return _("%(field)s: this field is not known here.") % {"field": label}
    if kind in ("too_long", "too_short"):
        return _("%(field)s: wrong number of items.") % {"field": label}
    if kind == "value_error":
        return _("%(field)s: %(problem)s") % {"field": label, "problem": str(ctx.get("error", ""))}
    return _("%(field)s: must be %(kind)s.") % {"field": label, "kind": _kind(kind)}


# Where ninja says a parameter came from; not part of the field's name.
_SOURCES = frozenset(
    {"body", "query", "path", "form", "file", "header", "cookie", "data", "payload"}
)


def field_of(loc: Iterable[Any]) -> str | None:
    parts = [str(p) for p in loc]
    while parts and parts[0] in _SOURCES:
        parts.pop(0)
    return ".".join(parts) or None


def pydantic_problems(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    problems = []
    for error in errors:
        field = field_of(error.get("loc", ()))
        problems.append(
            {
                "field": field,
                "code": str(error.get("type", "invalid")),
                "message": pydantic_message(error, field_label(field)),
            }
        )
    return problems
