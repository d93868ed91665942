"""Every exception below a route becomes a JSON error (errors.py) with the right status;
anything unforeseen is logged and answered 500 in the same shape (the property-based test
makes sure that never happens)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from linli.accounts.services import LoginError
from linli.api.access.ratelimit import check, client_address
from linli.api.access.security import CsrfFailed
from linli.api.v1.errors import (
    ApiError,
    ErrorCode,
    body,
    invalid,
    problems_from_messages,
    pydantic_problems,
)
from linli.workorders.workflow import ActionRefused

logger = logging.getLogger("linli.api")


def error_body(status: int, message: str | None = None, **kwargs: Any) -> dict[str, Any]:
    error = ApiError(status, message or "", **kwargs)
    error.message = message or str(ErrorCode(error.code).label)
    return body(
        error.code, error.message, field=error.field, errors=error.errors, extra=error.extra
    )


def install(api: NinjaAPI) -> None:
    def answer(request: HttpRequest, status: int, data: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, data, status=status)

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(request, exc.status, exc.as_body())

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        problems = pydantic_problems(exc.errors) or [
            {"field": None, "code": "invalid", "message": str(ErrorCode.VALIDATION_ERROR.label)}
        ]
        return api_error(request, invalid(problems))

    def service_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api_error(request, invalid(problems_from_messages(messages)))

    def refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        return answer(request, 409, error_body(409, " ".join(exc.messages)))

    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Failed sign-ins count against the address, so guessing tokens is limited too.
        verdict = check(request, f"ip:{client_address(request)}", settings.API_RATE_ANON_PER_MINUTE)
        if verdict is not None and not verdict.allowed:
            response = answer(request, 429, error_body(429))
            response["Retry-After"] = str(verdict.retry_after)
            return response
        message = _("Sign in, or send an API token as “Authorization: Bearer <token>”.")
        return answer(request, 401, error_body(401, message))

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        message = _("Too many requests. Wait %(seconds)s seconds and try again.") % {
            "seconds": exc.wait or 1
        }
        return answer(request, 429, error_body(429, message))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja could not parse a JSON body for a route that reads it itself.
            message = _("The body is not valid JSON.")
            return answer(request, 400, error_body(400, message, code=ErrorCode.MALFORMED_JSON))
        return answer(request, exc.status_code, error_body(exc.status_code))

    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 404, error_body(404, _("Not found, or not yours to see.")))

    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 403, error_body(403))

    def csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
        return answer(request, 403, error_body(403, str(exc), code=ErrorCode.CSRF_FAILED))

    def login_failed(request: HttpRequest, exc: LoginError) -> HttpResponse:
        return answer(request, 401, error_body(401, str(exc), code=ErrorCode.LOGIN_FAILED))

    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 413, error_body(413))

    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 400, error_body(400))

    def out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number too large for the database (an offset past 2**63, say).
        logger.warning("API input out of the database's range on %s: %s", request.path, exc)
        return answer(request, 400, error_body(400, _("A number in the request is too large.")))

    def integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # SQLite's way of refusing a LIMIT/OFFSET past 2**63; anything else is a bug.
        if "datatype mismatch" in str(exc):
            return out_of_range(request, exc)
        return unexpected(request, exc)

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return answer(request, 500, error_body(500))

    handlers: list[tuple[type[Exception], Any]] = [
        (Exception, unexpected),
        (ApiError, api_error),
        (NinjaValidationError, validation),
        (DjangoValidationError, service_validation),
        (ActionRefused, refused),
        (AuthenticationError, unauthenticated),
        (Throttled, throttled),
        (HttpError, http_error),
        (Http404, not_found),
        (PermissionDenied, forbidden),
        (CsrfFailed, csrf),
        (LoginError, login_failed),
        (RequestDataTooBig, too_big),
        (TooManyFilesSent, too_big),
        (TooManyFieldsSent, too_big),
        (SuspiciousOperation, unreadable),
        (MultiPartParserError, unreadable),
        (UnreadablePostError, unreadable),
        (OverflowError, out_of_range),
        (DataError, out_of_range),
        (IntegrityError, integrity),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
