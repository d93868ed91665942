"""Each category's major class (level 1) and minor class (level 2), for the process: the KPI
store counts under them and recommendations match skills held on a class above the order's
category. A category's place in the tree is fixed once it exists (admin), but a new data file
may move categories: the map is reloaded on a miss, when this process changes categories
(`forget_categories`), and at most CLASSES_TTL seconds after another process did."""

from __future__ import annotations

import time

from linli.workorders.models import Category

# category id → (major class id, minor class id), for the process: reloaded on a miss, when
# this process changes categories, and at most CLASSES_TTL seconds after another one did.
_classes: dict[int, tuple[int, int]] = {}
_classes_loaded_at = 0.0
CLASSES_TTL = 60.0


def category_classes() -> dict[int, tuple[int, int]]:
    """Every category's major class (level 1) and minor class (level 2; a minor class is its
    own, a major class used directly counts as its own minor)."""
    rows = {c["pk"]: c for c in Category.objects.values("pk", "parent_id", "level")}
    found: dict[int, tuple[int, int]] = {}
    for pk in rows:
        chain = [pk]
        while rows[chain[-1]]["parent_id"] is not None:
            chain.append(rows[chain[-1]]["parent_id"])
        major = chain[-1]
        minor = chain[-2] if len(chain) >= 2 else major
        found[pk] = (major, minor)
    return found


def classes_of(category_id: int) -> tuple[int, int]:
    global _classes_loaded_at
    now = time.monotonic()
    if category_id not in _classes or now - _classes_loaded_at > CLASSES_TTL:
        _classes.clear()
        _classes.update(category_classes())
        _classes_loaded_at = now
    return _classes[category_id]


def forget_categories() -> None:
    _classes.clear()
