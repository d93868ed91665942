"""The demo city's Open311 set-up: one application whose api_key is `linli-demo-key` (stated
in the README, so any client can be tried against `make run` at once) and questions for a
few categories, so that service definitions have something to show."""

from __future__ import annotations

import random
from typing import Any

from linli.api.open311.models import (
    AttributeDatatype,
    CategoryAttribute,
    Open311Application,
    Open311Source,
    hash_key,
)
from linli.api.open311.services import DEMO_KEY, register_application
from linli.territory.demo import Scale
from linli.territory.models import Region
from linli.workorders.models import Category
from linli.workorders.services.categories import load_categories_file

# (kind, code) → questions: code, type, required, question, hint, choices.
DEMO_ATTRIBUTES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("incident", "0404"): [
        {"code": "blocking", "datatype": AttributeDatatype.SINGLE, "required": True,
         "description": "车辆占用了哪里", "values": [("sidewalk", "人行道"),
         ("fire_lane", "消防通道"), ("gate", "小区出入口"), ("other", "其他")]},
        {"code": "plate", "datatype": AttributeDatatype.STRING, "required": False,
         "description": "车牌号", "datatype_description": "如 豫F12345，看不清可不填"},
    ],
    ("component", "0110"): [
        {"code": "fault", "datatype": AttributeDatatype.MULTI, "required": True,
         "description": "路灯有什么问题", "values": [("dark", "不亮"), ("day", "白天常亮"),
         ("flicker", "闪烁"), ("leaning", "灯杆倾斜"), ("cover", "灯罩破损")]},
        {"code": "pole", "datatype": AttributeDatatype.STRING, "required": False,
         "description": "灯杆编号", "datatype_description": "灯杆上的喷涂编号"},
        {"code": "safety", "variable": False, "datatype": AttributeDatatype.TEXT,
         "description": "夜间上报请注意交通安全，不要靠近倒伏的灯杆。"},
    ],
    ("incident", "0601"): [
        {"code": "since", "datatype": AttributeDatatype.DATETIME, "required": False,
         "description": "噪声从什么时候开始", "datatype_description": "如 2026-05-01T22:00:00+08:00"},
        {"code": "nights", "datatype": AttributeDatatype.NUMBER, "required": False,
         "description": "已经持续了几个晚上"},
        {"code": "details", "datatype": AttributeDatatype.TEXT, "required": False,
         "description": "噪声来源的补充说明"},
    ],
}  # fmt: skip


def ensure_demo_attributes() -> int:
    """Add the demo questions to the categories that exist; returns how many were added."""
    added = 0
    for (kind, code), questions in DEMO_ATTRIBUTES.items():
        category = Category.objects.filter(kind=kind, code=code).first()
        if category is None:
            continue
        for order, question in enumerate(questions, start=1):
            values = [{"key": k, "name": n} for k, n in question.get("values", [])]
            attribute = CategoryAttribute(
                category=category,
                order=order,
                **{k: v for k, v in question.items() if k != "values"},
                values=values,
            )
            if CategoryAttribute.objects.filter(category=category, code=attribute.code).exists():
                continue
            attribute.full_clean()
            attribute.save()
            added += 1
    return added


def ensure_demo_application() -> Open311Application:
    found = Open311Application.objects.filter(key_hash=hash_key(DEMO_KEY)).first()
    if found is not None:
        return found
    app, _ = register_application(
        name="演示应用（Open311）", source=Open311Source.APP, contact="demo", key=DEMO_KEY
    )
    return app


def make_demo_open311(*, rng: random.Random, scale: Scale, city: Region) -> None:
    if not Category.objects.exists():
        load_categories_file()
    ensure_demo_application()
    ensure_demo_attributes()
