"""The benchmark's URLs: every production route, plus the baselines — /bench/insert/, a bare
Django view inserting one row through the same middleware as every other request, and
/bench/insert-signed-in/, the same for a signed-in person's CSRF-checked form post (the
floor of any submission: session, user and CSRF token, then one row)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as production

TABLE = "bench_hit"


def create_table() -> None:
    key = (
        "bigserial PRIMARY KEY"
        if connection.vendor == "postgresql"
        else ("integer PRIMARY KEY AUTOINCREMENT")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, at timestamp, note text)")


def _insert_row(note: str) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, note) VALUES (%s, %s)",  # noqa: S608
            [timezone.now(), note],
        )
    return HttpResponse("ok", status=201, content_type="text/plain")


@csrf_exempt
@require_POST
def insert_one(request: HttpRequest) -> HttpResponse:
    return _insert_row(request.POST.get("note", ""))


@require_POST
@login_required
def insert_signed_in(request: HttpRequest) -> HttpResponse:
    return _insert_row(f"{request.user.pk}: {request.POST.get('description', '')}")


urlpatterns = [
    path("bench/insert/", insert_one),
    path("bench/insert-signed-in/", insert_signed_in),
    *production,
]
