"""The order page every role shares and the one action endpoint: exactly the allowed actions
are offered, each posts to workorders:act, plain posts redirect and HTMX posts swap in place,
bad input and refused steps read as Chinese messages, never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from linli.workorders.models import Action, OrderState
from linli.workorders.permissions import allowed_actions
from linli.workorders.services import (
    accept_order,
    dispatch_order,
    file_order,
    handle_order,
    remind_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(name: str = "result.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 160, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def detail(order) -> str:
    return reverse("workorders:detail", args=[order.pk])


def act(order, action: str) -> str:
    return reverse("workorders:act", args=[order.pk, action])


def accepted(make_order, cast):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    return order


@pytest.mark.parametrize("who", ["resident", "grid_worker", "dispatcher", "volunteer", "leader"])
def test_the_panel_offers_exactly_the_allowed_actions(client, cast, make_order, who):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    user = getattr(cast, who)
    client.force_login(user)
    response = client.get(detail(order))
    assert response.status_code == 200
    offered = [row[0] for row in response.context["panel"]]
    expected = {a.value for a in allowed_actions(user, order)} - {"support"}
    assert sorted(offered) == sorted(expected)
    html = response.content.decode()
    for action in offered:
        if action != Action.DISPATCH:
            assert act(order, action) in html


def test_the_order_page_masks_the_requesters_name_and_phone(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    html = client.get(detail(order)).content.decode()
    phone = cast.resident.phone
    assert phone not in html
    assert f"{phone[:3]}****{phone[-4:]}" in html
    assert cast.resident.name not in html
    assert "王*红" in html


def test_the_order_page_draws_the_grid_outline_and_the_point(client, cast, make_order):
    order = make_order()
    client.force_login(cast.resident)
    response = client.get(detail(order))
    config = response.context["map"]
    assert config["marker"] == {"lng": order.lng, "lat": order.lat}
    assert config["features"][0]["geometry"] == cast.tree["grid1a"].geometry
    assert 'data-order-map="order-map-config"' in response.content.decode()


def test_a_plain_post_acts_and_redirects_with_a_message(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    response = client.post(act(order, "file"), follow=True)
    assert response.redirect_chain == [(detail(order), 302)]
    assert f"工单 {order.number} 已立案。" in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.FILED


def test_an_htmx_post_returns_the_page_with_the_notice_in_place(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    response = client.post(act(order, "file"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="order-main"' in html
    assert f"工单 {order.number} 已立案。" in html


def test_a_missing_reason_names_the_field_and_changes_nothing(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    response = client.post(act(order, "decline"), {"note": "  "})
    assert response.status_code == 400
    assert "原因：请填写原因。" in response.content.decode()
    assert response.context["open_action"] == "decline"
    order.refresh_from_db()
    assert order.state == OrderState.REPORTED


def test_a_step_no_longer_possible_reads_as_a_message_not_an_error(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    stale = act(order, "file")
    client.post(stale)
    response = client.post(stale, follow=True)
    assert response.status_code == 200
    assert "请刷新" in response.content.decode()


def test_unknown_actions_and_other_peoples_orders_are_404(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    assert client.post(act(order, "teleport")).status_code == 404
    client.force_login(cast.other_grid_worker)
    assert client.post(act(order, "file")).status_code == 404
    assert client.get(detail(order)).status_code == 404


def test_get_is_not_allowed_on_the_action_endpoint(client, cast, make_order):
    order = make_order()
    client.force_login(cast.grid_worker)
    assert client.get(act(order, "file")).status_code == 405


def test_dispatch_posts_to_the_generic_endpoint_with_a_person(client, cast, make_order):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    client.force_login(cast.grid_worker)
    response = client.post(act(order, "dispatch"), {"to_user": cast.volunteer.pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.assignee) == (OrderState.DISPATCHED, cast.volunteer)


def test_dispatch_to_a_unit(client, cast, make_order):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    client.force_login(cast.dispatcher)
    client.post(act(order, "dispatch"), {"to_unit": cast.unit.pk, "note": "请尽快处理"})
    order.refresh_from_db()
    assert (order.state, order.assignee_unit) == (OrderState.DISPATCHED, cast.unit)


def test_dispatch_without_a_target_or_to_the_wrong_kind_names_the_field(client, cast, make_order):
    order = make_order()
    file_order(order=order, by=cast.grid_worker)
    client.force_login(cast.grid_worker)
    response = client.post(act(order, "dispatch"), {})
    assert "接单人：请选择要派给的人员或单位。" in response.content.decode()
    response = client.post(act(order, "dispatch"), {"to_user": cast.merchant.pk})
    assert response.status_code == 400
    assert cast.merchant.name in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.FILED


def test_the_assignee_reports_the_result_with_a_photo(client, cast, make_order):
    order = accepted(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(act(order, "handle"), {"note": "已清理完毕", "photos": [png()]})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.HANDLED
    assert order.photos.get().event.action == Action.HANDLE
    page = client.get(detail(order)).content.decode()
    assert "已清理完毕" in page and "/thumbs/" in page


def test_a_text_file_as_evidence_is_refused_naming_the_file(client, cast, make_order):
    order = accepted(make_order, cast)
    client.force_login(cast.volunteer)
    fake = SimpleUploadedFile("结果.jpg", b"not a photo at all", content_type="image/jpeg")
    response = client.post(act(order, "handle"), {"note": "已处理", "photos": [fake]})
    assert response.status_code == 400
    assert "结果.jpg" in response.content.decode()
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED


def test_an_extension_request_validates_amount_and_unit(client, cast, make_order):
    order = accepted(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(
        act(order, "request_extension"), {"amount": "0", "unit": "working_days", "note": "材料未到"}
    )
    assert "延长时间：至少 1。" in response.content.decode()
    response = client.post(
        act(order, "request_extension"), {"amount": "40", "unit": "working_days", "note": "材料"}
    )
    assert response.status_code == 400
    assert "30" in response.content.decode()
    client.post(
        act(order, "request_extension"), {"amount": "2", "unit": "working_days", "note": "材料未到"}
    )
    order.refresh_from_db()
    assert (order.pending_request, order.pending_amount) == ("extension", 2)
    html = client.get(detail(order)).content.decode()
    assert "延期待审批" in html and "2 个工作日" in html


def test_the_timeline_names_who_a_dispatch_went_to(client, cast, make_order):
    order = accepted(make_order, cast)
    client.force_login(cast.resident)
    html = client.get(detail(order)).content.decode()
    assert f"派给 {cast.volunteer.name}" in html


def test_the_order_page_stays_within_a_fixed_number_of_queries(
    client, cast, make_order, django_assert_max_num_queries
):
    order = accepted(make_order, cast)
    for i in range(8):
        remind_order(order=order, by=cast.resident, note=f"第{i}次催办")
    handle_order(order=order, by=cast.volunteer, note="已处理", photos=[png().read()])
    client.force_login(cast.grid_worker)
    with django_assert_max_num_queries(20):
        response = client.get(detail(order))
    assert "第7次催办" in response.content.decode()


def test_every_action_says_what_happened_in_its_own_words():
    from linli.workorders.forms import ACTIONS
    from linli.workorders.views.orders import DONE_TEXT

    assert set(ACTIONS) <= set(DONE_TEXT)


def test_handing_in_the_result_says_it_waits_for_the_check(client, cast, make_order):
    order = accepted(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(act(order, "handle"), {"note": "已清理"}, follow=True)
    html = response.content.decode()
    assert "处置结果已提交，等待核查。" in html
    assert "已完成：" not in html


def test_the_rating_asks_its_two_questions_before_the_optional_comment(client, cast, make_order):
    from linli.workorders.services import close_order

    order = accepted(make_order, cast)
    handle_order(order=order, by=cast.volunteer, note="已清理")
    close_order(order=order, by=cast.grid_worker)
    client.force_login(cast.resident)
    html = client.get(detail(order)).content.decode()
    rate = html[html.index('id="act-rate"') :]
    solved, satisfied, comment = (
        rate.index("问题解决了吗？"),
        rate.index("您满意吗？"),
        rate.index("评价内容"),
    )
    assert solved < satisfied < comment
    assert '评价内容 <small class="muted">选填</small>' in rate
