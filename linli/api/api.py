"""The JSON API (django-ninja) at /api/v1/, with its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs. Each programme app keeps its router in its own api.py;
this module mounts them. Authentication, errors, languages and rate limits: docs/api.md."""

from linli.api.access.ratelimit import CallerThrottle
from linli.api.access.security import PERSON
from linli.api.v1 import handlers
from linli.api.v1.base import ChineseJSONRenderer, LinliApi
from linli.api.v1.routes import (
    actions,
    auth,
    categories,
    fallback,
    kpis,
    notifications,
    orders,
    territory,
)
from linli.renewal.api import router as renewal_router

api = LinliApi(
    title="Linli API",
    version="1",
    description=(
        "Linli 邻里: grid-based grassroots governance platform. Authenticate with "
        "`Authorization: Bearer <token>` (POST /api/v1/auth/token) or the site's session. "
        "Errors: {code, message, field, errors}; messages in Chinese, or English with "
        "`Accept-Language: en` or `?lang=en`. Lists page with `cursor` and `limit`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=PERSON,
    throttle=[CallerThrottle()],
    renderer=ChineseJSONRenderer(),
)
handlers.install(api)

for module in (auth, territory, categories, orders, actions, kpis, notifications):
    api.add_router("/", module.router)
# Renovation too takes app tokens besides the session (its own routes set no auth of their own
# beyond the router's; the device alerts keep their signature).
api.add_router("/renewal/", renewal_router, auth=PERSON)
# Last: whatever no route above matched.
api.add_router("/", fallback.router)
