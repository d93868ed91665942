"""Fixtures for the JSON API tests: the work-order tests' cast of people and order makers,
and a client that signs in with a token. Import the fixtures into a test module with
`from linli.api.tests.api_setup import *`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from linli.accounts.models import User
from linli.api.access.tokens import issue_token
from linli.workorders.tests.conftest import (  # noqa: F401  (fixtures)
    Cast,
    _fast_passwords,
    cast,
    centre,
    incident_category,
    make_order,
    service_category,
)

API = "/api/v1"
# What `from linli.api.tests.api_setup import *` brings in: the fixtures, autouse ones too.
__all__ = [
    "_fast_passwords",
    "_generous_limits",
    "as_user",
    "cast",
    "incident_category",
    "make_order",
    "media_root",
    "service_category",
]


class ApiClient:
    """A test client acting as one person through an app token."""

    def __init__(self, user: User | None, **headers: str) -> None:
        self.client = Client()
        self.user = user
        self.headers = dict(headers)
        if user is not None:
            _token, key = issue_token(user=user, name="test", by=user)
            self.key = key
            self.headers["Authorization"] = f"Bearer {key}"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        url = path if path.startswith("/") and path.startswith(API) else f"{API}{path}"
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._call("get", path, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        if "content_type" not in kwargs and not kwargs.pop("multipart", False):
            kwargs["content_type"] = "application/json"
        return self._call("post", path, data=data if data is not None else {}, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._call("delete", path, **kwargs)


@pytest.fixture
def as_user() -> Any:
    """as_user(user) → an ApiClient with a fresh token for `user` (None: anonymous)."""
    return ApiClient


@pytest.fixture(autouse=True)
def _generous_limits(settings: Any) -> None:
    # Tests of the limits set their own; the others must never meet one.
    settings.API_RATE_TOKEN_PER_MINUTE = 100_000
    settings.API_RATE_ANON_PER_MINUTE = 100_000
    settings.API_RATE_LOGIN_PER_MINUTE = 100_000


def jpeg_bytes(size: tuple[int, int] = (40, 30), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
