"""Phone and ID numbers: always masked on the page, shown on request only to those whose
work needs them, and every showing written to the access log."""

import pytest
from django.urls import reverse

from linli.accounts.models import Role, RoleAssignment, SensitiveAccessLog
from linli.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def resident(city_tree):  # type: ignore[no-untyped-def]
    return ResidentFactory(
        grid=city_tree["grid1a"],
        name="张秀英",
        phone=PHONE,
        id_number=ID_NUMBER,
        special_group="独居老人",
    )


def reveal(client, user, resident, field, **headers):  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = reverse("territory:reveal", args=[resident.pk, field])
    return client.post(url, {"next": "/territory/"}, headers=headers)


def test_the_residents_list_never_shows_a_full_phone_or_id_number(
    city_tree, make_user, client, resident
):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    client.force_login(worker)
    html = client.get(reverse("territory:residents", args=[city_tree["grid1a"].code])).content
    html = html.decode()
    assert PHONE not in html and ID_NUMBER not in html and "独居老人" not in html
    assert "138****5678" in html
    assert "110105********002X" in html
    assert "显示张秀英的手机号" in html


def test_a_grid_worker_reveals_a_phone_and_it_is_logged(city_tree, make_user, client, resident):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    r = reveal(client, worker, resident, "phone", HX_Request="true", REMOTE_ADDR="10.0.0.8")
    html = r.content.decode()
    assert r.status_code == 200
    assert PHONE in html and "<html" not in html
    log = SensitiveAccessLog.objects.get()
    assert (log.viewer, log.subject_id, log.field) == (worker, resident.pk, "phone")
    assert log.subject_type == "territory.resident"
    assert log.subject_label == "张秀英"


def test_a_plain_post_shows_the_value_on_a_page_with_a_way_back(
    city_tree, make_user, client, resident
):
    dispatcher = make_user(Role.DISPATCHER, city_tree["community1"])
    r = reveal(client, dispatcher, resident, "id_number")
    html = r.content.decode()
    assert r.status_code == 200
    assert ID_NUMBER in html and "<html" in html
    assert "已记入查看日志" in html
    assert 'href="/territory/"' in html
    assert SensitiveAccessLog.objects.filter(field="id_number").count() == 1


def test_special_groups_are_masked_and_revealed_like_phones(city_tree, make_user, client, resident):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    r = reveal(client, worker, resident, "special_group", HX_Request="true")
    assert "独居老人" in r.content.decode()
    assert SensitiveAccessLog.objects.filter(field="special_group").exists()


def test_revealing_needs_a_post(city_tree, make_user, client, resident):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    client.force_login(worker)
    r = client.get(reverse("territory:reveal", args=[resident.pk, "phone"]))
    assert r.status_code == 405
    assert not SensitiveAccessLog.objects.exists()


@pytest.mark.parametrize(
    ("role", "level"),
    [
        (Role.GRID_WORKER, "grid1b"),  # the neighbouring grid
        (Role.GRID_WORKER, "grid2a"),
        (Role.DISPATCHER, "community2"),
        (Role.LEADER, "district1"),  # may list people, masked, but not reveal them
        (Role.PROGRAMME_STAFF, "city"),
        (Role.RESIDENT, "grid1a"),
        (Role.RESPONDER, "grid1a"),
    ],
)
def test_others_get_404_and_nothing_is_logged(city_tree, make_user, client, resident, role, level):
    user = make_user(role, city_tree[level])
    for field in ("phone", "id_number", "special_group"):
        assert reveal(client, user, resident, field).status_code == 404
    assert not SensitiveAccessLog.objects.exists()


def test_a_leader_sees_masked_values_without_a_show_button(city_tree, make_user, client, resident):
    leader = make_user(Role.LEADER, city_tree["district1"])
    client.force_login(leader)
    html = client.get(reverse("territory:residents", args=[city_tree["grid1a"].code]))
    html = html.content.decode()
    assert "138****5678" in html
    assert reverse("territory:reveal", args=[resident.pk, "phone"]) not in html


def test_unknown_fields_and_residents_are_404(city_tree, make_user, client, resident):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    assert reveal(client, worker, resident, "name").status_code == 404
    assert reveal(client, worker, resident, "birth_date").status_code == 404
    client.force_login(worker)
    r = client.post(reverse("territory:reveal", args=[999999, "phone"]))
    assert r.status_code == 404
    assert not SensitiveAccessLog.objects.exists()


def test_a_resident_may_reveal_their_own_record_only(city_tree, make_user, client, resident):
    user = make_user(Role.RESIDENT, city_tree["grid1a"])
    own = ResidentFactory(grid=city_tree["grid1a"], user=user, phone="13987654321")
    r = reveal(client, user, own, "phone", HX_Request="true")
    assert "13987654321" in r.content.decode()
    assert reveal(client, user, resident, "phone").status_code == 404
    assert SensitiveAccessLog.objects.filter(viewer=user).count() == 1


def test_a_resident_reveals_their_grid_workers_phone(city_tree, make_user, client):
    worker = make_user(Role.GRID_WORKER, city_tree["grid1a"])
    neighbour = make_user(Role.RESIDENT, city_tree["grid1a"])
    stranger = make_user(Role.RESIDENT, city_tree["grid2a"])
    assignment = RoleAssignment.objects.get(user=worker)
    url = reverse("territory:reveal_staff_phone", args=[assignment.pk])
    client.force_login(stranger)
    assert client.post(url).status_code == 404
    client.force_login(neighbour)
    r = client.post(url, headers={"HX-Request": "true"})
    assert worker.phone in r.content.decode()
    log = SensitiveAccessLog.objects.get()
    assert (log.viewer, log.subject_type, log.subject_id) == (neighbour, "accounts.user", worker.pk)


def test_only_grid_staff_phones_can_be_revealed(city_tree, make_user, client):
    admin = make_user(Role.ADMIN, city_tree["city"])
    leader = make_user(Role.LEADER, city_tree["district1"])
    url = reverse("territory:reveal_staff_phone", args=[RoleAssignment.objects.get(user=leader).pk])
    client.force_login(admin)
    assert client.post(url).status_code == 404
