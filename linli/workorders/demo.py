"""The work-order demo step (being written)."""

from __future__ import annotations

import random
from typing import Any


def make_demo_orders(*, rng: random.Random, scale: Any, city: Any) -> None:
    return None
