"""Reading a request body as JSON or as a form (multipart with photos), into a schema.

Routes that accept photos take either content type, so they read the body here rather than
through ninja's parameters, and describe both in the OpenAPI document (openapi.body_doc)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import pydantic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from linli.api.v1.errors import ApiError, ErrorCode, invalid, pydantic_problems
from linli.api.v1.schemas import storable

S = TypeVar("S", bound=pydantic.BaseModel)

FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _text_problem(value: Any) -> bool:
    """Whether a string anywhere in `value` holds a NUL or a lone surrogate: neither can be
    stored (PostgreSQL refuses NUL; UTF-8 has no surrogates)."""
    if isinstance(value, str):
        return not storable(value)
    if isinstance(value, dict):
        return any(_text_problem(k) or _text_problem(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_text_problem(v) for v in value)
    return False


def _json(request: HttpRequest) -> dict[str, Any]:
    limit = settings.API_MAX_JSON_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit or len(request.body) > limit:
        raise ApiError(
            413, _("The JSON body is larger than %(kb)d KB.") % {"kb": limit // 1024}, field="body"
        )
    raw = request.body
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(
            400, _("The body is not valid JSON."), code=ErrorCode.MALFORMED_JSON, field="body"
        ) from None
    if not isinstance(data, dict):
        raise invalid(
            [{"field": "body", "code": "dict_type", "message": _("Body: send a JSON object.")}]
        )
    return data


def read_body(
    request: HttpRequest, schema: type[S], *, photos: bool = False
) -> tuple[S, list[UploadedFile]]:
    """The body as `schema`, and the uploaded photos (multipart field `photos`, only where
    `photos` is allowed). Raises ApiError: 413, 415, 400 malformed JSON, 422 invalid."""
    content_type = (request.content_type or "").lower()
    files: list[UploadedFile] = []
    if is_json(content_type):
        data = _json(request)
    elif content_type in FORM_TYPES:
        # An empty form field is an absent one.
        data = {key: value for key in request.POST if (value := request.POST.get(key)) != ""}
        uploads = request.FILES.getlist("photos")
        if uploads and not photos:
            message = _("Photos: this action takes no photos.")
            raise invalid([{"field": "photos", "code": "extra_forbidden", "message": message}])
        files = uploads
    elif not request.body:
        data = {}
    else:
        raise ApiError(
            415,
            _("Send the body as application/json or multipart/form-data, not %(type)s.")
            % {"type": content_type[:60] or "?"},
        )
    if _text_problem(data):
        message = _("Body: text must not contain NUL characters or broken Unicode.")
        raise invalid([{"field": "body", "code": "string_type", "message": message}])
    try:
        return schema.model_validate(data), files
    except pydantic.ValidationError as exc:
        raise invalid(pydantic_problems(exc.errors(include_url=False))) from None
