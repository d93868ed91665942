"""The ledger's sheets and columns, with the Chinese labels offices write in the cells."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from linli.lib.ledger import (
    CellError,
    Column,
    SheetSpec,
    parse_decimal,
    parse_non_negative_int,
    template_workbook,
)
from linli.renewal.models import (
    CourtyardMerge,
    RenovationItem,
    SmartFacility,
    Stage,
    StreetProject,
    SurveyDefect,
)
from linli.territory.imports.cells import (
    parse_date,
    parse_division_code,
    parse_labels,
    parse_plain_code,
    parse_text,
)
from linli.territory.imports.estates import PROPERTY_MODES

PROJECTS, ESTATES, ITEMS, MERGES, FACILITIES, ALLEYS = (
    "项目",
    "小区",
    "改造内容",
    "楼院合并",
    "智慧设施",
    "背街小巷",
)

# The first label of each value is the one written on export; the others are accepted too.
STAGE_LABELS = {
    "已摸底": Stage.SURVEYED,
    "摸底": Stage.SURVEYED,
    "已入计划": Stage.PLANNED,
    "计划": Stage.PLANNED,
    "已开工": Stage.STARTED,
    "开工": Stage.STARTED,
    "已完工": Stage.COMPLETED,
    "完工": Stage.COMPLETED,
    "已验收": Stage.ACCEPTED,
    "验收": Stage.ACCEPTED,
}
TIER_LABELS = {
    "基础类": RenovationItem.Tier.BASIC,
    "完善类": RenovationItem.Tier.IMPROVE,
    "提升类": RenovationItem.Tier.UPGRADE,
}
METHOD_LABELS = {
    "合小并大": CourtyardMerge.Method.SMALL_INTO_LARGE,
    "合乱并整": CourtyardMerge.Method.SCATTERED_INTO_WHOLE,
    "合块并片": CourtyardMerge.Method.BLOCKS_INTO_AREA,
}
FACILITY_LABELS = {
    "门禁": SmartFacility.Kind.ACCESS_CONTROL,
    "监控": SmartFacility.Kind.SURVEILLANCE,
    "人脸识别": SmartFacility.Kind.FACE_RECOGNITION,
    "防高空抛物": SmartFacility.Kind.ANTI_THROWING,
    "充电设施": SmartFacility.Kind.EV_CHARGING,
    "周界防护": SmartFacility.Kind.PERIMETER,
    "车辆道闸": SmartFacility.Kind.VEHICLE_BARRIER,
    "烟感报警": SmartFacility.Kind.SMOKE_DETECTOR,
    "智能快递柜": SmartFacility.Kind.PARCEL_LOCKER,
}
ALLEY_STAGE_LABELS = {
    "计划中": StreetProject.Stage.PLANNED,
    "提升中": StreetProject.Stage.IN_PROGRESS,
    "已完成": StreetProject.Stage.COMPLETED,
}
DEFECT_LABELS = {
    "屋面漏水": SurveyDefect.Kind.ROOF,
    "外墙": SurveyDefect.Kind.OUTER_WALL,
    "楼道": SurveyDefect.Kind.STAIRS,
    "供水": SurveyDefect.Kind.WATER,
    "雨污管网": SurveyDefect.Kind.DRAINAGE,
    "供电": SurveyDefect.Kind.POWER,
    "燃气": SurveyDefect.Kind.GAS,
    "供暖": SurveyDefect.Kind.HEATING,
    "消防": SurveyDefect.Kind.FIRE,
    "安防": SurveyDefect.Kind.SECURITY,
    "道路": SurveyDefect.Kind.ROADS,
    "照明": SurveyDefect.Kind.LIGHTING,
    "停车与车棚": SurveyDefect.Kind.PARKING,
    "绿化": SurveyDefect.Kind.GREENERY,
    "无障碍与电梯": SurveyDefect.Kind.BARRIER_FREE,
    "违章建筑": SurveyDefect.Kind.ILLEGAL_BUILDING,
    "垃圾": SurveyDefect.Kind.GARBAGE,
    "社区服务": SurveyDefect.Kind.SERVICES,
}
YES_NO = {"是": "yes", "否": "no", "Y": "yes", "N": "no"}


def label_of(labels: Mapping[str, str], value: str) -> str:
    """The label written on export for a stored value."""
    return next(label for label, v in labels.items() if v == value)


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return parse_labels(YES_NO)(value) == "yes"


def parse_defects(value: Any) -> list[str]:
    kinds: list[str] = []
    for part in re.split(r"[、,，;；\s]+", str(value).strip()):
        if not part:
            continue
        if part not in DEFECT_LABELS:
            raise CellError(
                _("Unknown defect %(value)s; use: %(options)s.")
                % {"value": part, "options": "、".join(DEFECT_LABELS)}
            )
        kinds.append(DEFECT_LABELS[part])
    return kinds


DEVICE_KEY = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")


def parse_device_key(value: Any) -> str:
    key = str(value).strip()
    if not DEVICE_KEY.match(key):
        raise CellError(
            _(
                "A device key has at most 64 letters, digits, hyphens or underscores (got %(value)s)."
            )
            % {"value": key}
        )
    return key


def parse_year(value: Any) -> int:
    number = parse_non_negative_int(value)
    if not 1990 <= number <= 2100:
        raise CellError(_("Expected a year such as 2021, not %(value)s.") % {"value": value})
    return number


def parse_positive_decimal(value: Any) -> Any:
    number = parse_decimal(value)
    if number <= 0:
        raise CellError(_("Expected a number greater than zero."))
    return number


def _text(n: int) -> Callable[[Any], str]:
    return parse_text(n)


DATE_COLUMNS = {
    "surveyed_on": "摸底日期",
    "planned_on": "计划日期",
    "started_on": "开工日期",
    "completed_on": "完工日期",
    "accepted_on": "验收日期",
}
FUNDING_COLUMNS = {
    "central": "中央补助（元）",
    "local": "地方财政（元）",
    "residents": "居民出资（元）",
    "utilities": "专营单位出资（元）",
    "social": "社会资本（元）",
}


def _dates(example: dict[str, str]) -> tuple[Column, ...]:
    return tuple(
        Column(field, header, parse_date, required=False, example=example.get(field, ""))
        for field, header in DATE_COLUMNS.items()
    )


PROJECT_SPEC = SheetSpec(
    PROJECTS,
    (
        Column("code", "项目编号", parse_plain_code, example="SC-2019-01"),
        Column("name", "项目名称", _text(120), example="山城区2019年老旧小区改造一期"),
        Column("district", "所属区县代码", parse_division_code, example="410603000000"),
        Column("batch_year", "年度批次", parse_year, example=2019),
        Column("stage", "阶段", parse_labels(STAGE_LABELS), example="已完工"),
        *_dates(
            {
                "surveyed_on": "2019-01-10",
                "planned_on": "2019-03-01",
                "started_on": "2019-04-01",
                "completed_on": "2019-11-30",
            }
        ),
        Column("budget_yuan", "预算（元）", parse_decimal, example=42000000),
        *(
            Column(f"funding_{kind}", header, parse_decimal, required=False, example="")
            for kind, header in FUNDING_COLUMNS.items()
        ),
        Column(
            "investment_yuan", "累计完成投资（元）", parse_decimal, required=False, example=40500000
        ),
        Column("description", "说明", _text(2000), required=False),
    ),
)
ESTATE_SPEC = SheetSpec(
    ESTATES,
    (
        Column("estate", "小区编码", parse_plain_code, example="SC-0001"),
        Column("name", "小区名称", _text(100), required=False, example="朝阳小区"),
        Column("added_on", "入库日期", parse_date, required=False, example="2018-12-01"),
        Column("planned_year", "计划年度", parse_year, required=False, example=2019),
        Column("survey_date", "体检日期", parse_date, required=False, example="2018-12-15"),
        Column(
            "defects", "体检问题", parse_defects, required=False, example="屋面漏水、雨污管网、照明"
        ),
        Column("project", "项目编号", parse_plain_code, required=False, example="SC-2019-01"),
        Column("stage", "阶段", parse_labels(STAGE_LABELS), required=False, example="已完工"),
        *_dates({"started_on": "2019-04-01", "completed_on": "2019-10-31"}),
        Column(
            "property_mode_after",
            "改造后物业模式",
            parse_labels(PROPERTY_MODES),
            required=False,
            example="红色物业",
        ),
    ),
)
ITEM_SPEC = SheetSpec(
    ITEMS,
    (
        Column("project", "项目编号", parse_plain_code, example="SC-2019-01"),
        Column("estate", "小区编码", parse_plain_code, required=False, example="SC-0001"),
        Column("tier", "类别", parse_labels(TIER_LABELS), example="完善类"),
        Column("name", "改造内容", _text(60), example="车棚"),
        Column("quantity", "数量", parse_positive_decimal, example=2),
        Column("unit", "单位", _text(10), example="处"),
        Column("note", "备注", _text(200), required=False),
    ),
)
MERGE_SPEC = SheetSpec(
    MERGES,
    (
        Column("group", "合并编号", parse_plain_code, example="M-1"),
        Column("target", "并入小区编码", parse_plain_code, example="SC-0001"),
        Column("courtyard", "楼院名称", _text(100), example="纸箱厂家属院"),
        Column("from_estate", "原小区编码", parse_plain_code, example="SC-0102"),
        Column("method", "合并方式", parse_labels(METHOD_LABELS), example="合小并大"),
        Column(
            "walls_removed", "拆除围墙（道）", parse_non_negative_int, required=False, example=3
        ),
        Column("merged_on", "合并日期", parse_date, example="2019-06-01"),
    ),
)
FACILITY_SPEC = SheetSpec(
    FACILITIES,
    (
        Column("estate", "小区编码", parse_plain_code, example="SC-0001"),
        Column("kind", "设施类型", parse_labels(FACILITY_LABELS), example="门禁"),
        Column("device_key", "设备编号", parse_device_key, example="sc-0001-gate-1"),
        Column("installed_on", "安装日期", parse_date, example="2019-10-01"),
        Column("device_count", "设备数量", parse_non_negative_int, required=False, example=4),
        Column("is_active", "在用", parse_yes_no, required=False, example="是"),
    ),
)
ALLEY_SPEC = SheetSpec(
    ALLEYS,
    (
        Column("name", "名称", _text(100), example="走马塘巷"),
        Column("district", "所属区县代码", parse_division_code, example="410603000000"),
        Column("subdistrict", "所属街道代码", parse_division_code, required=False),
        Column("stage", "阶段", parse_labels(ALLEY_STAGE_LABELS), example="已完成"),
        Column("is_demonstration", "示范街", parse_yes_no, required=False, example="是"),
        Column("cohort_year", "批次年度", parse_year, example=2021),
        Column("theme", "主题", _text(100), required=False, example="明清古建 · 诗经文化"),
        Column("length_m", "长度（米）", parse_non_negative_int, required=False, example=420),
        Column("started_on", "开工日期", parse_date, required=False, example="2021-03-01"),
        Column("completed_on", "完工日期", parse_date, required=False, example="2021-09-30"),
    ),
)
SPECS = (PROJECT_SPEC, ESTATE_SPEC, ITEM_SPEC, MERGE_SPEC, FACILITY_SPEC, ALLEY_SPEC)


def ledger_template() -> bytes:
    return template_workbook(SPECS)
