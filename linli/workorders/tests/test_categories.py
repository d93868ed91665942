"""The shipped category tree and its loader: idempotent upserts, inheritance, local edits
kept, and clear errors for a bad file."""

import copy
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from linli.accounts.models import AuditEntry
from linli.workorders.models import Category, DeadlineUnit
from linli.workorders.services.categories import (
    DEFAULT_FILE,
    load_categories,
    load_categories_file,
    save_category_edit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_shipped_tree_has_the_six_component_and_the_incident_major_classes(shipped):
    load_categories(data=shipped)
    majors = Category.objects.filter(level=1)
    components = set(majors.filter(kind="component").values_list("name", flat=True))
    assert components == {"公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施"}
    incidents = set(majors.filter(kind="incident").values_list("name", flat=True))
    assert {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件"} <= incidents


def test_the_shipped_tree_has_the_five_smalls_and_twelve_kinds_of_micro_help(shipped):
    load_categories(data=shipped)
    five = Category.objects.get(kind="service", code="51")
    assert list(five.children.values_list("name", flat=True)) == [
        "小事情",
        "小问题",
        "小矛盾",
        "小诉求",
        "小困难",
    ]
    help_kinds = Category.objects.get(kind="service", code="52").children.all()
    names = [c.name for c in help_kinds]
    assert len(names) == 12
    assert names[:4] == ["助学", "助医", "助困", "助行"]
    assert all(c.open_to_claiming and c.auto_file_resident_orders for c in help_kinds)


def test_codes_nest_and_children_inherit_what_they_do_not_set(shipped):
    load_categories(data=shipped)
    lost = Category.objects.get(kind="component", code="010301")
    assert (lost.level, lost.parent.code, lost.parent.parent.code) == (3, "0103", "01")
    assert (lost.deadline_amount, lost.deadline_unit) == (4, DeadlineUnit.WORKING_HOURS)
    assert lost.responder_kinds == ["department", "property_company"]
    assert "井盖" in lost.filing_conditions
    assert all(c.code.startswith(c.parent.code) for c in Category.objects.exclude(parent=None))


def test_loading_twice_changes_nothing(shipped):
    first = load_categories(data=shipped)
    count = Category.objects.count()
    second = load_categories(data=shipped)
    assert first.created and not first.updated
    assert (second.created, second.updated, second.unchanged) == ([], [], count)


def test_a_new_version_of_the_file_updates_what_changed(shipped):
    load_categories(data=shipped)
    changed = copy.deepcopy(shipped)
    changed["version"] = "2026.2"
    changed["categories"][0]["children"][0]["deadline"] = [6, "working_hours"]
    result = load_categories(data=changed)
    assert "component:0101" in result.updated
    assert Category.objects.get(kind="component", code="0101").deadline_amount == 6


def test_categories_edited_in_the_admin_are_kept_unless_forced(shipped, make_user):
    load_categories(data=shipped)
    category = Category.objects.get(kind="component", code="0110")
    category.deadline_amount = 9
    save_category_edit(category=category, by=make_user(), changed=["deadline_amount"])
    assert AuditEntry.objects.filter(action="category.edit").exists()
    result = load_categories(data=shipped)
    assert result.kept_local == ["component:0110"]
    category.refresh_from_db()
    assert category.deadline_amount == 9
    load_categories(data=shipped, force=True)
    category.refresh_from_db()
    assert (category.deadline_amount, category.locally_edited) == (2, False)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["categories"][0]["children"][0].update(code="9901"), "must start with"),
        (lambda d: d["categories"][0]["children"][1].update(code="0101"), "appears twice"),
        (lambda d: d["categories"][0].update(deadline=[0, "working_days"]), "deadline"),
        (lambda d: d["categories"][0].update(deadline=[2, "weeks"]), "deadline"),
        (lambda d: d["categories"][0].update(responder_kinds=["wizard"]), "wizard"),
        (lambda d: d["categories"][0].update(colour="red"), "unknown keys"),
        (lambda d: d["categories"][0].update(kind="thing"), "kind"),
        (lambda d: d["categories"][0].update(urgent_deadline=[9, "working_days"]), "urgent"),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_place_named(shipped, mutate, message):
    bad = copy.deepcopy(shipped)
    mutate(bad)
    with pytest.raises(ValidationError, match=message):
        load_categories(data=bad)
    assert not Category.objects.exists()


def test_the_command_loads_the_shipped_file(tmp_path):
    out = StringIO()
    call_command("load_categories", stdout=out)
    assert "created" in out.getvalue()
    assert Category.objects.filter(kind="service").count() == 5 + 12 + 4 + 2
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_categories", "--file", str(broken))


def test_every_leaf_of_the_shipped_tree_can_take_orders(shipped):
    result = load_categories_file()
    assert result.version == shipped["version"]
    for leaf in Category.objects.leaves():
        assert leaf.deadline_amount > 0 and leaf.name
        assert leaf.urgent_deadline_amount > 0


def test_the_admin_cannot_move_an_existing_category_to_another_class(shipped, client):
    """Its code carries its class and its orders are counted under it: a category's place
    in the tree is fixed once it exists."""
    from linli.accounts.models import User

    load_categories(data=shipped)
    category = Category.objects.get(kind="component", code="0110")
    admin = User.objects.create_superuser(phone="18900000001", password="pw-x-12345", name="管理员")
    client.force_login(admin)
    url = f"/admin/workorders/category/{category.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="parent"' not in page.content.decode()
    assert 'name="code"' not in page.content.decode()
    new_page = client.get("/admin/workorders/category/add/")
    assert 'name="parent"' in new_page.content.decode()


def test_each_process_rereads_the_category_classes_within_a_minute(shipped, monkeypatch):
    """A category moved by another process (the data file loaded elsewhere) is counted
    under its new class at most CLASSES_TTL seconds later."""
    from linli.workorders import classes as store

    load_categories(data=shipped)
    store.forget_categories()
    category = Category.objects.get(kind="component", code="0110")
    other = Category.objects.get(kind="component", code="02")
    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    first = store.classes_of(category.pk)
    Category.objects.filter(pk=category.pk).update(parent=other)  # as another process would
    clock[0] += store.CLASSES_TTL / 2
    assert store.classes_of(category.pk) == first
    clock[0] += store.CLASSES_TTL
    assert store.classes_of(category.pk) == (other.pk, category.pk)
