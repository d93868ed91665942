"""The JSON API (django-ninja) at /api/v1/, with its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs. Each programme app keeps its router in its own api.py;
this module only mounts them."""

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
api.add_router("/renewal/", renewal_router)
