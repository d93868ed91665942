"""The NinjaAPI of /api/v1/, made to answer JSON in the caller's language whatever comes in.

ninja runs each operation inside its own error handling (handlers.py); around that, every
URL of the API (the operations, the OpenAPI document and the docs page) is wrapped so that:
the language is the caller's (language.py) before anything is worded; a NUL in the path or
query string is refused before it reaches the database; ninja's own plain-text answers
(405) become JSON; and the rate-limit figures go out as headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from linli.api.access.ratelimit import Verdict
from linli.api.v1 import handlers, openapi
from linli.api.v1.errors import field_label, invalid
from linli.api.v1.language import api_language

logger = logging.getLogger("linli.api")
View = Callable[..., HttpResponseBase]


def _json(status: int, data: dict[str, Any]) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


PAGE_PARAMETERS = frozenset({"offset", "limit"})
BIGINT_MAX = 2**63 - 1


def _too_big(value: str) -> bool:
    digits = value.strip().lstrip("+-")
    return digits.isdigit() and (len(digits) > 19 or int(digits) > BIGINT_MAX)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


def _run(view: View, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponseBase:
    if _has_nul(request):
        message = _("The address must not contain NUL characters.")
        return _json(400, handlers.error_body(400, message))
    for name, values in request.GET.lists():
        # No parameter of this API takes several values: a repeated one is a client's mistake.
        if len(values) > 1:
            message = _("%(field)s: give it once.") % {"field": field_label(name)}
            problem = {"field": name, "code": "repeated", "message": message}
            return _json(422, invalid([problem]).as_body())
        # ninja's limit/offset pages (renovation lists) bound the limit but not the offset;
        # one past the database's bigint would fail in the query.
        if name in PAGE_PARAMETERS and _too_big(values[0]):
            message = _("%(field)s: must be at most %(limit)s.") % {
                "field": name,
                "limit": BIGINT_MAX,
            }
            problem = {"field": name, "code": "less_than_equal", "message": message}
            return _json(422, invalid([problem]).as_body())
    try:
        response = view(request, *args, **kwargs)
    except Exception:
        # ninja handles errors inside operations; this is for anything around them.
        logger.exception("API error on %s %s", request.method, request.path)
        return _json(500, handlers.error_body(500))
    content_type = response.get("Content-Type", "")
    if response.status_code >= 400 and not content_type.startswith("application/json"):
        converted = _json(response.status_code, handlers.error_body(response.status_code))
        if allow := response.get("Allow"):
            converted["Allow"] = allow
        return converted
    return response


def json_answers(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = api_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            response = _run(view, request, args, kwargs)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        verdict: Verdict | None = getattr(request, "_linli_rate", None)
        if verdict is not None:
            response["X-RateLimit-Limit"] = str(verdict.limit)
            response["X-RateLimit-Remaining"] = str(verdict.remaining)
        return response

    return wrapped


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese as it is, not as \\u escapes: readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


class LinliApi(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = json_answers(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        openapi.complete(document)
        return document
