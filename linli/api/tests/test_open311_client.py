"""A stock Open311 client (the `georeport` package from PyPI) against the live server:
discover, list services, read a definition, create a request with the api_key and read it
back, in both formats. georeport does not post or discover, so those two calls are made by
hand with urllib, as any client would."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from georeport import GeoReport

from linli.api.open311.services import DEMO_KEY
from linli.api.tests.open311_setup import City, open311_city, posted

__all__ = ["open311_city"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Requests to the live server must not go through a proxy set in the environment.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _open(request: urllib.request.Request | str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return response.read()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_stock_client_discovers_lists_posts_and_reads_back(
    live_server: Any, open311_city: City, fmt: str
) -> None:
    root = f"{live_server.url}/open311/v2"
    discovery = json.loads(_open(f"{root}/discovery.json"))
    assert discovery["endpoints"][0]["url"] == root

    client = GeoReport(root, jurisdiction="hebi.linli", api_key=DEMO_KEY, output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"incident-0404", "component-0110"} <= codes
    definition = client.get_service_definition("incident-0404")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert attributes[0]["code"] == "blocking"

    form = posted(open311_city, jurisdiction_id="hebi.linli", description="路灯前停了一辆车")
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(f"{root}/requests.json", data=data)  # noqa: S310
    created = json.loads(_open(request))
    number = created[0]["service_request_id"]

    found = client.get_service_request(number)
    assert found["service_request_id"] == number
    assert found["status"] == "open"
    assert found["description"] == "路灯前停了一辆车"
    listed = client.get_service_requests(service_code="incident-0404", status="open")
    if fmt == "xml" and isinstance(listed, dict):
        listed = [listed]
    assert [r["service_request_id"] for r in listed] == [number]
