"""Fixtures shared by the Open311 tests: a city with a few categories (one asking
questions of every datatype), the demo application and an estate to address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from linli.api.open311.demo import ensure_demo_application
from linli.api.open311.models import AttributeDatatype, CategoryAttribute, Open311Application
from linli.api.open311.services import DEMO_KEY
from linli.territory.models import Estate, Region
from linli.territory.tests.factories import EstateFactory
from linli.workorders.models import Category, Source, WorkOrder
from linli.workorders.services import create_order
from linli.workorders.tests.factories import CategoryFactory, MajorCategoryFactory

BASE = "/open311/v2"


@dataclass
class City:
    tree: dict[str, Region]
    parking: Category  # incident-0404, with a required one-choice question and a text one
    lamp: Category  # component-0110, with a required several-choices question
    noise: Category  # incident-0601, number and datetime questions
    helping: Category  # service-5205 (resident help: not listed to the public)
    app: Open311Application
    estate: Estate

    def point(self, grid: str = "grid1a") -> tuple[float, float]:
        region = self.tree[grid]
        assert region.centroid_lng is not None and region.centroid_lat is not None
        return region.centroid_lng, region.centroid_lat

    def order(self, category: Category | None = None, **extra: Any) -> WorkOrder:
        lng, lat = self.point()
        values: dict[str, Any] = {
            "source": Source.PATROL,
            "category": category or self.parking,
            "description": "占道停车",
            "lng": lng,
            "lat": lat,
            "reporter": None,
            "address": "九州路 18 号",
        }
        values.update(extra)
        return create_order(**values)


def _ask(category: Category, code: str, datatype: str, **extra: Any) -> None:
    CategoryAttribute.objects.create(
        category=category, code=code, datatype=datatype, description=extra.pop("q", code), **extra
    )


@pytest.fixture
def open311_city(city_tree: dict[str, Region]) -> City:
    parking = CategoryFactory(code="0404", name="机动车乱停放")
    lamp = CategoryFactory(
        parent=MajorCategoryFactory(kind=Category.Kind.COMPONENT, code="01", name="公用设施"),
        code="0110",
        name="路灯",
    )
    noise = CategoryFactory(
        parent=MajorCategoryFactory(code="06", name="其他事件"), code="0601", name="噪声扰民"
    )
    helping = CategoryFactory(
        parent=MajorCategoryFactory(kind=Category.Kind.SERVICE, code="52", name="微帮互助"),
        code="5205",
        name="助老",
    )
    choices = [{"key": "sidewalk", "name": "人行道"}, {"key": "fire_lane", "name": "消防通道"}]
    _ask(
        parking,
        "blocking",
        AttributeDatatype.SINGLE,
        required=True,
        values=choices,
        q="占用了哪里",
        order=1,
    )
    _ask(parking, "plate", AttributeDatatype.STRING, q="车牌号", order=2)
    faults = [{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"},
              {"key": "leaning", "name": "灯杆倾斜"}]  # fmt: skip
    _ask(lamp, "fault", AttributeDatatype.MULTI, required=True, values=faults, q="什么问题")
    _ask(lamp, "safety", AttributeDatatype.TEXT, variable=False, q="注意安全", order=2)
    _ask(noise, "nights", AttributeDatatype.NUMBER, q="几个晚上")
    _ask(noise, "since", AttributeDatatype.DATETIME, q="开始时间", order=2)
    grid = city_tree["grid1a"]
    estate = EstateFactory(
        grid=grid, code="E-ZY-01", name="朝阳小区", lng=grid.centroid_lng, lat=grid.centroid_lat
    )
    return City(
        tree=city_tree,
        parking=parking,
        lamp=lamp,
        noise=noise,
        helping=helping,
        app=ensure_demo_application(),
        estate=estate,
    )


def posted(city: City, **extra: Any) -> dict[str, Any]:
    """A valid POST form for a parking request at grid1a's centre."""
    lng, lat = city.point()
    data: dict[str, Any] = {
        "api_key": DEMO_KEY,
        "service_code": "incident-0404",
        "lat": f"{lat:.6f}",
        "long": f"{lng:.6f}",
        "description": "一辆白色轿车停在人行道上三天了",
        "attribute[blocking]": "sidewalk",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
