"""Additions to the generated OpenAPI document: the error answers every operation may give
(all in the ApiErrorOut shape), and request bodies of routes that read JSON or multipart
themselves (bodies.read_body)."""

from __future__ import annotations

import copy
from typing import Any

import pydantic

from linli.api.v1.schemas import ApiErrorOut

REF = "#/components/schemas/{model}"
# Schemas of bodies read by read_body, added to the document's components.
_BODIES: dict[str, type[pydantic.BaseModel]] = {}

ERROR_ANSWERS = {
    "400": "Bad request: malformed JSON or an unreadable body (bad_request, malformed_json).",
    "401": "Not signed in, or the token is wrong or revoked (not_authenticated, login_failed).",
    "403": "Forbidden (forbidden, csrf_failed).",
    "404": "Not found, or not yours to see (not_found).",
    "409": "The action is not allowed now; `message` says why (action_not_allowed).",
    "413": "The request is too large (payload_too_large).",
    "415": "Send JSON or multipart/form-data (unsupported_media_type).",
    "422": "Some input is not valid; `field` and `errors` name it (validation_error).",
    "429": "Too many requests; wait `Retry-After` seconds (rate_limited).",
}


def body_doc(schema: type[pydantic.BaseModel], *, photos: bool) -> dict[str, Any]:
    """openapi_extra for a route that reads `schema` as JSON, or as a form (with `photos`)."""
    _BODIES[schema.__name__] = schema
    ref = {"$ref": REF.format(model=schema.__name__)}
    required = bool(schema.model_json_schema().get("required"))
    content: dict[str, Any] = {"application/json": {"schema": ref}}
    if photos:
        form = copy.deepcopy(schema.model_json_schema(ref_template=REF))
        form.pop("$defs", None)
        form.setdefault("properties", {})["photos"] = {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "maxItems": 6,
            "description": "JPEG, PNG, WebP or HEIC photos (10 MB each at most).",
        }
        content["multipart/form-data"] = {"schema": form}
    return {"requestBody": {"required": required, "content": content}}


def _component(schema: type[pydantic.BaseModel], components: dict[str, Any]) -> None:
    found = schema.model_json_schema(ref_template=REF)
    components.update(found.pop("$defs", {}))
    components[schema.__name__] = found


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Document the error answers of every operation and the bodies read by hand."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    _component(ApiErrorOut, components)
    for schema in _BODIES.values():
        _component(schema, components)
    error = {"application/json": {"schema": {"$ref": REF.format(model="ApiErrorOut")}}}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            # ninja keys responses by int status; the document's keys are strings.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            for status, text in ERROR_ANSWERS.items():
                if status == "401" and not operation.get("security"):
                    continue
                responses.setdefault(status, {"description": text, "content": error})
            operation["responses"] = responses
    return document
