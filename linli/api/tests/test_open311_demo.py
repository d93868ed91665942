"""The demo city's Open311 application (api_key `linli-demo-key`) and questions, and
applications registered in the admin: the key is shown once and only its hash is kept."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.test import Client

from linli.api.open311.demo import make_demo_open311
from linli.api.open311.models import CategoryAttribute, Open311Application, hash_key
from linli.api.open311.services import DEMO_KEY, application_for_key
from linli.territory.demo import Scale, demo_steps
from linli.territory.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_step_registers_the_demo_key_and_questions_once(
    city_tree: dict[str, Region],
) -> None:
    assert "open311" in [s.name for s in demo_steps()]
    for _ in range(2):
        make_demo_open311(rng=random.Random(1), scale=Scale.SMALL, city=city_tree["city"])
    (app,) = Open311Application.objects.all()
    assert application_for_key(DEMO_KEY) == app
    assert app.key_hash == hash_key(DEMO_KEY) and DEMO_KEY not in app.key_hash
    codes = set(
        CategoryAttribute.objects.filter(
            category__kind="component", category__code="0110"
        ).values_list("code", flat=True)
    )
    assert codes == {"fault", "pole", "safety"}


def test_the_demo_services_answer_with_their_definitions(
    client: Client, city_tree: dict[str, Region]
) -> None:
    make_demo_open311(rng=random.Random(1), scale=Scale.SMALL, city=city_tree["city"])
    services = client.get("/open311/v2/services.json").json()
    assert len(services) > 50
    lamp = client.get("/open311/v2/services/component-0110.json").json()
    fault = lamp["attributes"][0]
    assert (fault["code"], fault["datatype"], fault["required"]) == (
        "fault",
        "multivaluelist",
        True,
    )
    assert lamp["attributes"][2]["variable"] is False


def test_an_application_added_in_the_admin_shows_its_key_once(
    client: Client, make_user: Any, city_tree: dict[str, Region]
) -> None:
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.post(
        "/admin/api/open311application/add/",
        {"name": "邻里小程序", "contact": "ops@example.org", "source": "app", "is_active": "on"},
        follow=True,
    )
    text = page.content.decode()
    match = re.search(r"api_key[^<]*?([A-Za-z0-9_-]{32})", text)
    assert match, text[:2000]
    key = match.group(1)
    app = Open311Application.objects.get(name="邻里小程序")
    assert application_for_key(key) == app and app.key_prefix == key[:8]
    assert key not in client.get(f"/admin/api/open311application/{app.pk}/change/").content.decode()
