"""Plausible made-up personal data for the demo city: Chinese names, mobile numbers that
pass validation, ID numbers with a correct check digit, unified social credit codes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from linli.lib.idcard import check_digit

# The commonest surnames in Henan, roughly weighted by frequency.
_SURNAMES = (
    "王" * 10 + "李" * 9 + "张" * 9 + "刘" * 7 + "陈" * 4 + "杨" * 4 + "赵" * 3 + "郭" * 3
    + "黄" * 2 + "周" * 2 + "吴" * 2 + "徐" * 2 + "孙" * 2 + "马" * 2 + "朱" * 2 + "胡" * 2
    + "高" * 2 + "宋" * 2 + "程" * 2 + "范" + "何" + "罗" + "郑" + "梁" + "谢" + "韩" + "唐"
    + "冯" + "于" + "董" + "萧" + "曹" + "袁" + "邓" + "许" + "傅" + "沈" + "曾" + "彭" + "吕"
    + "苏" + "卢" + "蒋" + "蔡" + "贾" + "丁" + "魏" + "薛" + "叶" + "阎" + "余" + "潘" + "杜"
    + "戴" + "夏" + "钟" + "汪" + "田" + "任" + "姜" + "秦" + "史" + "申" + "牛" + "侯" + "岳"
)  # fmt: skip
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆亮建国志海峰振东永庆国强文博子豪宏德"
_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美玲桂兰红梅莉萍燕雪琳晶颖倩婷欣怡佳琪淑珍凤霞玉荣"
_MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
# Numbers the generator never hands out: the demo logins and the test factories use them.
RESERVED_PREFIXES = ("1860000", "139000", "138000")


def person_name(rng: random.Random, *, male: bool, surname: str | None = None) -> str:
    pool = _MALE if male else _FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return (surname or rng.choice(_SURNAMES)) + given


def surname(rng: random.Random) -> str:
    return rng.choice(_SURNAMES)


class PhoneBook:
    """Unique mobile numbers, never one that is reserved or already taken."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken = set(taken or ())

    def new(self) -> str:
        while True:
            phone = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.taken and not phone.startswith(RESERVED_PREFIXES):
                self.taken.add(phone)
                return phone


class IdNumbers:
    """Unique 18-character ID numbers with a valid check digit (odd sequence: male)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def new(self, rng: random.Random, *, county: str, birth: date, male: bool) -> str:
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.taken:
                self.taken.add(number)
                return number


def birth_date(rng: random.Random, *, min_age: int, max_age: int, today: date) -> date:
    days = rng.randrange(min_age * 365, max_age * 365 + 1)
    return today - timedelta(days=days)


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(rng: random.Random, *, registry: str, county: str) -> str:
    """A unified social credit code (GB 32100-2015) with valid check characters.
    registry: two characters, e.g. "11" government body, "91" company, "52" social org."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    # The 9-character organisation code (GB 11714) has its own check character.
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    first17 = registry + county + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]
