"""The JSON API (django-ninja) at /api/v1/, with its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs. Each programme app keeps its router in its own api.py;
this module only mounts them and maps domain errors to HTTP answers."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from linli.renewal.api import router as renewal_router

api = NinjaAPI(
    title="Linli API",
    version="1",
    description="Linli 邻里: grid-based grassroots governance platform",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with the message per field, like ninja's own."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/renewal/", renewal_router)
