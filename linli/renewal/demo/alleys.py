"""Back-street alleys (背街小巷): completed, in progress and planned."""

from __future__ import annotations

from datetime import date, timedelta

from linli.renewal.demo.base import _BuilderBase
from linli.renewal.models import StreetProject
from linli.renewal.services import alleys
from linli.territory.models import Region

_ALLEY_THEMES = [
    "明清古建 · 诗经文化",
    "民国风情美食街",
    "红色文化",
    "非遗手作",
    "孝老敬亲",
    "书香雅巷",
    "淇河文化",
    "煤城记忆",
    "廉洁文化",
    "花木小巷",
    "传说故事",
    "邻里和美",
]


class _Alleys(_BuilderBase):
    def make_alleys(self) -> None:
        t, r = self.t, self.rng
        year = self.today.year
        rows: list[tuple[str, int, bool]] = []  # stage, cohort, demonstration
        old_completed = t.alleys_completed - t.alleys_new
        for n in range(old_completed):
            rows.append(
                (
                    StreetProject.Stage.COMPLETED,
                    2019 + n % max(1, year - 2019),
                    n < t.alleys_demonstration,
                )
            )
        rows += [(StreetProject.Stage.COMPLETED, year, False)] * t.alleys_new
        rows += [(StreetProject.Stage.IN_PROGRESS, year, False)] * t.alleys_in_progress
        rows += [(StreetProject.Stage.PLANNED, year + 1, False)] * t.alleys_planned
        named = {
            "走马塘巷": (self.main, "明清古建 · 诗经文化"),
            "食字街": (self._district("410611"), "民国风情美食街"),
            "海棠西巷": (self._district("410611"), "花木小巷"),
        }
        names = iter(named)
        used: set[tuple[int, str]] = set()
        for n, (stage, cohort, demo) in enumerate(rows):
            special = (
                next(names, None) if demo or stage == StreetProject.Stage.IN_PROGRESS else None
            )
            district, theme = (
                named[special]
                if special
                else (self.districts[n % len(self.districts)], r.choice(_ALLEY_THEMES))
            )
            name = special or self._alley_name(district, used)
            used.add((district.pk, name))
            subs = list(
                Region.objects.filter(parent=district, level=Region.Level.SUBDISTRICT).order_by(
                    "code"
                )[:8]
            )
            started: date | None = None
            completed: date | None = None
            if stage != StreetProject.Stage.PLANNED:
                started = min(date(cohort, r.randrange(1, 6), r.randrange(1, 28)), self.today)
            if stage == StreetProject.Stage.COMPLETED:
                assert started is not None  # noqa: S101 - set just above for these stages
                completed = min(started + timedelta(days=r.randrange(60, 200)), self.today)
            alleys.create_alley(
                name=name,
                district=district,
                subdistrict=r.choice(subs) if subs else None,
                cohort_year=cohort,
                stage=stage,
                is_demonstration=demo,
                theme=theme,
                length_m=r.randrange(150, 900),
                started_on=started,
                completed_on=completed,
                actor=None,
            )

    def _alley_name(self, district: Region, used: set[tuple[int, str]]) -> str:
        roads = [
            "红旗",
            "中山",
            "新华",
            "人民",
            "建设",
            "解放",
            "朝阳",
            "东风",
            "胜利",
            "和平",
            "淇河",
            "汤河",
            "鹤山",
            "桂花",
            "兴华",
        ]
        while True:
            name = f"{self.rng.choice(roads)}{self.rng.choice(['东', '西', '南', '北', '前', '后', '一', '二', '三'])}巷"
            if (district.pk, name) not in used:
                return name
