"""Loading the category tree from its data file, and edits made in the admin.

The file (data/categories/categories.json) is a list of trees, one per major class, each
node naming only what differs from its parent: a minor class inherits its major class's
deadline, filing conditions, responder kinds and so on. Loading is an idempotent upsert by
(kind, code). A category edited in the admin is marked `locally_edited` and left alone by
later loads unless they are forced."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from linli.accounts.models import ResponderKind, User
from linli.accounts.services import record_audit
from linli.workorders.classes import forget_categories
from linli.workorders.models import Category, DeadlineUnit

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "categories" / "categories.json"

# Attributes a node passes down to its children unless they say otherwise.
_INHERITED = {
    "icon": "",
    "filing_conditions": "",
    "closing_conditions": "",
    "deadline": [3, DeadlineUnit.WORKING_DAYS.value],
    "urgent_deadline": [4, DeadlineUnit.WORKING_HOURS.value],
    "auto_file_resident_orders": False,
    "check_required": True,
    "responder_kinds": [],
    "open_to_claiming": False,
}
# Minutes per unit, only to compare two deadlines (a 7.5-hour working day).
_NOMINAL = {DeadlineUnit.WORKING_HOURS.value: 60, DeadlineUnit.WORKING_DAYS.value: 450}
_NODE_KEYS = {"code", "name", "children", "kind", *_INHERITED}


@dataclass
class LoadResult:
    version: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_local: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"categories {self.version}: {len(self.created)} created, {len(self.updated)} "
            f"updated, {self.unchanged} unchanged, {len(self.kept_local)} kept as edited locally"
        )


@dataclass(frozen=True)
class _Row:
    kind: str
    level: int
    code: str
    parent_code: str | None
    sort_order: int
    values: dict[str, Any]


def _deadline(value: Any, where: str) -> tuple[int, str]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[0] < 1
        or value[1] not in DeadlineUnit.values
    ):
        raise ValidationError(
            f"{where}: a deadline is [amount, unit] with unit one of {DeadlineUnit.values}"
        )
    return value[0], value[1]


def _flatten(data: dict[str, Any]) -> list[_Row]:
    """Check the file and turn its trees into rows, parents first."""
    rows: list[_Row] = []
    seen: set[tuple[str, str]] = set()
    kinds = set(Category.Kind.values)

    def walk(node: dict[str, Any], kind: str, level: int, parent: dict[str, Any] | None,
             parent_code: str | None, order: int) -> None:  # fmt: skip
        where = f"{kind} {node.get('code', '?')} {node.get('name', '')}".strip()
        if unknown := set(node) - _NODE_KEYS:
            raise ValidationError(f"{where}: unknown keys {sorted(unknown)}")
        code, name = str(node.get("code", "")), str(node.get("name", "")).strip()
        if not code or not name:
            raise ValidationError(f"{where}: every category needs a code and a name")
        if level > 3:
            raise ValidationError(f"{where}: the tree has three levels at most")
        if parent_code and not code.startswith(parent_code):
            raise ValidationError(f"{where}: the code must start with its parent's {parent_code}")
        if (kind, code) in seen:
            raise ValidationError(f"{where}: the code {code} appears twice")
        seen.add((kind, code))
        merged = {k: node.get(k, (parent or _INHERITED)[k]) for k in _INHERITED}
        bad_kinds = set(merged["responder_kinds"]) - set(ResponderKind.values)
        if bad_kinds:
            raise ValidationError(f"{where}: unknown responder kinds {sorted(bad_kinds)}")
        amount, unit = _deadline(merged["deadline"], where)
        urgent_amount, urgent_unit = _deadline(merged["urgent_deadline"], where)
        if urgent_amount * _NOMINAL[urgent_unit] > amount * _NOMINAL[unit]:
            raise ValidationError(f"{where}: the urgent deadline is longer than the ordinary one")
        values = {
            "name": name,
            "icon": merged["icon"],
            "filing_conditions": merged["filing_conditions"],
            "closing_conditions": merged["closing_conditions"],
            "deadline_amount": amount,
            "deadline_unit": unit,
            "urgent_deadline_amount": urgent_amount,
            "urgent_deadline_unit": urgent_unit,
            "auto_file_resident_orders": bool(merged["auto_file_resident_orders"]),
            "check_required": bool(merged["check_required"]),
            "responder_kinds": sorted(merged["responder_kinds"]),
            "open_to_claiming": bool(merged["open_to_claiming"]),
            "is_active": True,
        }
        rows.append(_Row(kind, level, code, parent_code, order, values))
        for i, child in enumerate(node.get("children", [])):
            walk(child, kind, level + 1, merged, code, i)

    trees = data.get("categories")
    if not isinstance(trees, list) or not trees:
        raise ValidationError("the file needs a non-empty list under 'categories'")
    for i, tree in enumerate(trees):
        kind = tree.get("kind")
        if kind not in kinds:
            raise ValidationError(
                f"major class {tree.get('code', i)}: kind must be one of {sorted(kinds)}"
            )
        walk(tree, kind, 1, None, None, i)
    return rows


def load_categories(*, data: dict[str, Any], force: bool = False) -> LoadResult:
    """Upsert the categories of a parsed data file; all or nothing."""
    rows = _flatten(data)
    result = LoadResult(version=str(data.get("version", "")))
    with transaction.atomic():
        existing = {(c.kind, c.code): c for c in Category.objects.select_for_update()}
        for row in rows:
            parent = existing[(row.kind, row.parent_code)] if row.parent_code else None
            wanted = {
                **row.values,
                "level": row.level,
                "parent_id": parent.pk if parent else None,
                "sort_order": row.sort_order,
                "data_version": result.version,
            }
            category = existing.get((row.kind, row.code))
            if category is None:
                category = Category(kind=row.kind, code=row.code, **wanted)
                category.full_clean(exclude=["parent"])
                category.save()
                existing[(row.kind, row.code)] = category
                result.created.append(f"{row.kind}:{row.code}")
                continue
            if category.locally_edited and not force:
                result.kept_local.append(f"{row.kind}:{row.code}")
                continue
            changed = [k for k, v in wanted.items() if getattr(category, k) != v]
            if force and category.locally_edited:
                category.locally_edited = False
                changed.append("locally_edited")
            if not changed:
                result.unchanged += 1
                continue
            for k in changed:
                if k != "locally_edited":
                    setattr(category, k, wanted[k])
            category.full_clean(exclude=["parent"])
            category.save(update_fields=changed)
            result.updated.append(f"{row.kind}:{row.code}")
    transaction.on_commit(forget_categories)
    return result


def load_categories_file(path: Path = DEFAULT_FILE, *, force: bool = False) -> LoadResult:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{path}: {exc}") from exc
    return load_categories(data=data, force=force)


def save_category_edit(*, category: Category, by: User, changed: list[str]) -> Category:
    """An admin's edit: saved, audited and protected from being overwritten by the data file."""
    with transaction.atomic():
        category.locally_edited = True
        category.full_clean(exclude=["parent"])
        category.save()
        record_audit(
            actor=by,
            action="category.edit",
            target=category,
            summary=f"{category.code} {category.name}",
            data={"fields": changed},
        )
        transaction.on_commit(forget_categories)
    return category
