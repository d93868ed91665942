"""The demo city: a deterministic 鹤壁市 with real division codes, generated grids, estates,
organisations and people in every role (`manage.py seed_demo`).

Apps above territory add their own demo data by registering a step from their
AppConfig.ready():

    register_demo_step("workorders", make_demo_orders, order=200)

seed_demo calls every step after the territory is built, lowest order first, as
fn(rng=…, scale=…, city=…). Each step gets its own random.Random seeded from the seed and the
step's name, so adding a step never changes what the others generate.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from linli.territory.models import Region


class Scale(StrEnum):
    SMALL = "small"  # a few communities: loads in seconds, for tests
    CITY = "city"  # every community and village of 鹤壁, about 1,200 grids (`make run`)
    MEGACITY = "megacity"  # about 30,000 grids, for benchmarks


class DemoStepFn(Protocol):
    def __call__(self, *, rng: random.Random, scale: Scale, city: Region) -> None: ...


@dataclass(frozen=True)
class DemoStep:
    name: str
    fn: Callable[..., None]
    order: int


_steps: dict[str, DemoStep] = {}


def register_demo_step(name: str, fn: DemoStepFn | Callable[..., None], order: int = 100) -> None:
    """Add (or replace) a step that seed_demo runs after the territory is built."""
    _steps[name] = DemoStep(name=name, fn=fn, order=order)


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))


def step_rng(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")  # noqa: S311 (reproducible data, not secrets)
