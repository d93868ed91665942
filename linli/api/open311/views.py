"""Open311 GeoReport v2 endpoints (docs/open311.md). Every view answers in the format its
URL ends with; errors are Open311 error documents: 404 unknown resource, 403 bad or missing
api_key, 400 anything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from linli.api.access.ratelimit import check, client_address
from linli.api.open311 import queries, serialisers
from linli.api.open311.forms import clean_filters, clean_post, value
from linli.api.open311.models import Open311Application, Open311Request
from linli.api.open311.services import application_for_key, submit_request

View = Callable[..., HttpResponse]
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's documents last changed shape (discovery's changeset).
CHANGESET = "2026-05-01T00:00:00+08:00"
# The engine's field names, as the Open311 parameters that fed them.
_PARAMETERS = {
    "location": "lat",
    "requester_phone": "phone",
    "requester_name": "last_name",
    "address": "address_string",
    "category": "service_code",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = list(descriptions)


def _problems(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{_PARAMETERS.get(name, name)}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def _check(request: HttpRequest, methods: tuple[str, ...]) -> None:
    """Method and jurisdiction; raises Open311Error."""
    if request.method not in methods:
        raise Open311Error(400, _("Method %(m)s is not allowed here.") % {"m": request.method})
    jurisdiction = value(request.GET, "jurisdiction_id") or value(request.POST, "jurisdiction_id")
    if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION:
        raise Open311Error(404, _("Unknown jurisdiction_id %(j)s.") % {"j": jurisdiction})


def _throttled(request: HttpRequest, fmt: str) -> HttpResponse | None:
    """429 with Retry-After when the caller is over its limit (the JSON API's limits and
    counters): per registered application, else per address."""
    key = value(request.POST, "api_key") or value(request.GET, "api_key")
    application = application_for_key(key) if key else None
    if application is not None:
        bucket, limit = f"open311:app:{application.pk}", settings.API_RATE_TOKEN_PER_MINUTE
    else:
        bucket, limit = f"open311:ip:{client_address(request)}", settings.API_RATE_ANON_PER_MINUTE
    verdict = check(request, bucket, limit)
    if verdict is None or verdict.allowed:
        return None
    wait = verdict.retry_after
    message = _("Too many requests. Wait %(seconds)s seconds and try again.") % {"seconds": wait}
    response = serialisers.render_errors(fmt, 429, [message])
    response["Retry-After"] = str(wait)
    return response


def endpoint(*methods: str) -> Callable[[View], View]:
    """Method, jurisdiction and rate-limit checks, and errors as Open311 documents."""

    def wrap(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def run(request: HttpRequest, *args: object, fmt: str, **kwargs: object) -> HttpResponse:
            try:
                _check(request, methods)
                if (refused := _throttled(request, fmt)) is not None:
                    return refused
                return view(request, *args, fmt=fmt, **kwargs)
            except ValidationError as exc:
                return serialisers.render_errors(fmt, 400, _problems(exc))
            except Open311Error as exc:
                return serialisers.render_errors(fmt, exc.status, exc.descriptions)

        return run

    return wrap


def _application(request: HttpRequest) -> Open311Application | None:
    """The application whose api_key came with the request; None when none came; 403 for
    a key that is not (or no longer) valid."""
    key = value(request.POST, "api_key") or value(request.GET, "api_key")
    if not key:
        return None
    application = application_for_key(key)
    if application is None:
        raise Open311Error(403, _("The api_key is not valid."))
    return application


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2").rstrip("/")
    document = {
        "changeset": CHANGESET,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return serialisers.render(fmt, "discovery", document)


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    entries = [serialisers.service_entry(c) for c in queries.services()]
    return serialisers.render(fmt, "services", entries)


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    category = queries.find_service(code)
    if category is None:
        raise Open311Error(404, _("No service with service_code %(code)s.") % {"code": code})
    document = serialisers.definition(category, queries.attributes_of(category))
    return serialisers.render(fmt, "service_definition", document)


@endpoint("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        application = _application(request)
        if application is None:
            raise Open311Error(403, _("A valid api_key is required to do this."))
        record = submit_request(application=application, data=clean_post(request.POST))
        return serialisers.render(fmt, "service_requests", [serialisers.created_entry(record)])
    application = _application(request)
    filters = clean_filters(request.GET)
    orders = queries.listed_requests(application)
    if filters.ids is not None:
        orders = orders.filter(number__in=filters.ids)
    else:
        codes = filters.service_codes
        orders = queries.filter_requests(
            orders,
            start=filters.start,
            end=filters.end,
            category_ids=queries.categories_for_codes(codes) if codes else None,
            open_states=filters.open_states,
        )
    first = (filters.page - 1) * filters.page_size
    page = orders[first : first + filters.page_size]
    base = request.build_absolute_uri("/").rstrip("/")
    entries = [serialisers.request_entry(o, base_url=base) for o in page]
    return serialisers.render(fmt, "service_requests", entries)


@endpoint("GET")
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    application = _application(request)
    order = queries.listed_requests(application).filter(number=request_id).first()
    if order is None:
        raise Open311Error(404, _("No service request %(id)s.") % {"id": request_id})
    base = request.build_absolute_uri("/").rstrip("/")
    return serialisers.render(
        fmt, "service_requests", [serialisers.request_entry(order, base_url=base)]
    )


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    record = Open311Request.objects.select_related("order").filter(token=token).first()
    if record is None:
        raise Open311Error(404, _("No service request has the token %(t)s.") % {"t": token})
    entry = {"service_request_id": record.order.number, "token": record.token}
    return serialisers.render(fmt, "service_requests", [entry])


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request: HttpRequest, *, fmt: str) -> HttpResponse:
    raise Open311Error(404, _("There is no such Open311 resource."))
