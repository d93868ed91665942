"""Property-based test of the live API against its own OpenAPI document (schemathesis):
for a bounded number of generated requests per operation, signed in with a token, no
answer is a 5xx and every answer (status, content type, headers, body) is one the document
describes. Runs on the WSGI app in-process, in the test database, in CI."""

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.accounts.notifications import notify
from linli.api.access.tokens import issue_token
from linli.api.tests.api_setup import *  # noqa: F403
from linli.workorders.services import file_order

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Small enough for CI (well under a minute for every operation), large enough to find the
# shapes of input that used to fail: NULs, surrogates, huge numbers, wrong types. Set
# API_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))


@dataclass
class Seeds:
    """Real objects, so that generated requests also reach past the 404s."""

    order: int
    region: str
    notification: int


@pytest.fixture
def seeds(db: Any, cast: Any, make_order: Any, media_root: Any) -> Seeds:
    make_order()
    filed = file_order(order=make_order(), by=cast.grid_worker)
    note = notify(user=cast.admin, title="测试通知", body="")
    return Seeds(order=filed.pk, region=cast.tree["city"].code, notification=note.pk)


@pytest.fixture
def wsgi_app() -> Any:
    """The site's WSGI app, called in-process. As Django's test client does, requests must
    not close the database connection when they end: the test's transaction lives on it
    (PostgreSQL would lose it; SQLite's in-memory database does not notice)."""
    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(seeds: Seeds, wsgi_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


def _headers(user: Any) -> dict[str, str]:
    _token, key = issue_token(user=user, name="schemathesis", by=user)
    # The WSGI transport does not undo GZipMiddleware.
    return {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}


@pytest.fixture
def bearer(cast: Any) -> Any:
    """Headers for a request; DELETE /auth/token revokes the token it is sent with, so it
    gets a fresh one each time."""
    shared = _headers(cast.admin)

    def headers(operation: Any) -> dict[str, str]:
        revokes = operation.method.upper() == "DELETE" and operation.path.endswith("/auth/token")
        return _headers(cast.admin) if revokes else shared

    return headers


def _explore(
    operation: Any, mode: GenerationMode, headers: Any, seen: Counter[int], **fixed: Any
) -> None:
    @given(case=operation.as_strategy(mode, **fixed))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def explore(case: Any) -> None:
        response = case.call_and_validate(headers=headers(operation), checks=CHECKS)
        seen[response.status_code] += 1

    explore()


def _real_ids(operation: Any, seeds: Seeds) -> dict[str, Any]:
    path = operation.path
    values = {
        "order_id": seeds.order,
        "code": seeds.region,
        "notification_id": seeds.notification,
    }
    found = {name: value for name, value in values.items() if "{" + name + "}" in path}
    return {"path_parameters": found} if found else {}


def _describe(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    if inner:
        return f"{exc}\n" + "\n".join(f"  - {e}" for e in inner)
    return f"{type(exc).__name__}: {exc}"


@pytest.mark.django_db
def test_every_answer_matches_the_document_and_none_is_a_server_error(
    api_schema: Any, bearer: Any, seeds: Seeds
) -> None:
    failures, runs, seen = [], [], Counter[int]()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        runs += [(operation, GenerationMode.POSITIVE, {}), (operation, GenerationMode.NEGATIVE, {})]
        if fixed := _real_ids(operation, seeds):
            runs.append((operation, GenerationMode.POSITIVE, fixed))
    for operation, mode, fixed in runs:
        try:
            _explore(operation, mode, bearer, seen, **fixed)
        except (Exception, BaseExceptionGroup) as exc:  # all operations tried, all reported
            failures.append(f"{operation.label} ({mode.value}): {_describe(exc)}")
    print(f"schemathesis: {sum(seen.values())} requests, statuses {dict(sorted(seen.items()))}")
    assert len(runs) > 100, "the document lost its operations"
    assert not failures, "\n\n".join(failures)
