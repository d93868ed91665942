"""Responder pages over HTTP: 我的任务 (dispatched to me or my unit, accept in one tap,
return with a reason, extension and parking), 附近可抢单 (nearest first, claim in one tap,
the loser of a race told plainly), and what responders may not see."""

import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.workorders.models import OrderState, ResponderProfile
from linli.workorders.services import (
    accept_order,
    claim_order,
    close_order,
    dispatch_order,
    file_order,
    handle_order,
)
from linli.workorders.tests.conftest import centre

pytestmark = pytest.mark.django_db

TASKS = reverse("workorders:tasks")
CLAIMABLE = reverse("workorders:claimable")
HTMX = {"HX-Request": "true"}


def act(order, action: str) -> str:
    return reverse("workorders:act", args=[order.pk, action])


def dispatched(make_order, cast, to_unit=None, **fields):
    order = make_order(**fields)
    file_order(order=order, by=cast.grid_worker)
    to = {"to_unit": to_unit} if to_unit else {"to_user": cast.volunteer}
    dispatch_order(order=order, by=cast.dispatcher, **to)
    return order


def test_my_tasks_groups_orders_dispatched_to_me_and_hides_others(client, cast, make_order):
    mine = dispatched(make_order, cast, description="楼下垃圾没人清")
    in_hand = dispatched(make_order, cast, description="井盖松动")
    accept_order(order=in_hand, by=cast.volunteer)
    other = make_order(description="别人的活")
    file_order(order=other, by=cast.grid_worker)
    dispatch_order(order=other, by=cast.grid_worker, to_unit=cast.unit)
    client.force_login(cast.volunteer)
    response = client.get(TASKS)
    html = response.content.decode()
    assert "待接单" in html and "办理中" in html
    assert "楼下垃圾没人清" in html and "井盖松动" in html
    assert "别人的活" not in html
    sections = dict(response.context["sections"])
    assert [o.pk for o, _ in sections["to_accept"]] == [mine.pk]
    assert [o.pk for o, _ in sections["in_hand"]] == [in_hand.pk]


def test_a_unit_member_sees_orders_dispatched_to_the_unit(client, cast, make_order):
    order = dispatched(make_order, cast, to_unit=cast.unit)
    client.force_login(cast.department_staff)
    response = client.get(TASKS)
    to_accept = dict(response.context["sections"])["to_accept"]
    assert to_accept == [(order, ["accept"])]


def test_accepting_from_the_list_swaps_the_card_in_place(client, cast, make_order):
    order = dispatched(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(act(order, "accept"), {"view": "card"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<article class="order-card')
    assert "已接单，办完后请处置反馈。" in html
    order.refresh_from_db()
    assert (order.state, order.assignee) == (OrderState.ACCEPTED, cast.volunteer)


def test_accepting_with_a_plain_post_returns_to_the_list(client, cast, make_order):
    order = dispatched(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(act(order, "accept"), {"view": "card", "next": TASKS})
    assert response["Location"] == TASKS


def test_a_return_needs_a_reason_and_then_waits_for_approval(client, cast, make_order):
    order = dispatched(make_order, cast)
    client.force_login(cast.volunteer)
    response = client.post(act(order, "return"), {"note": ""})
    assert "原因：请填写原因。" in response.content.decode()
    client.post(act(order, "return"), {"note": "不在我的服务范围"})
    order.refresh_from_db()
    assert order.state == OrderState.RETURNED
    returned = dict(client.get(TASKS).context["sections"])["returned"]
    assert [o.pk for o, _ in returned] == [order.pk]


def test_parking_is_asked_for_with_a_reason(client, cast, make_order):
    order = dispatched(make_order, cast)
    accept_order(order=order, by=cast.volunteer)
    client.force_login(cast.volunteer)
    client.post(act(order, "park"), {"note": "需等待来年春季施工"})
    order.refresh_from_db()
    assert order.pending_request == "park"
    html = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert "挂账待审批" in html
    assert act(order, "park") not in html  # one request at a time


def test_finished_tasks_are_on_their_own_tab(client, cast, make_order):
    order = dispatched(make_order, cast, description="已经修好的路灯")
    accept_order(order=order, by=cast.volunteer)
    handle_order(order=order, by=cast.volunteer, note="修好了")
    close_order(order=order, by=cast.grid_worker)
    client.force_login(cast.volunteer)
    assert "已经修好的路灯" not in client.get(TASKS).content.decode()
    assert "已经修好的路灯" in client.get(TASKS, {"show": "done"}).content.decode()


def test_task_lists_stay_within_a_fixed_number_of_queries(
    client, cast, make_order, django_assert_max_num_queries
):
    for i in range(10):
        order = dispatched(make_order, cast, description=f"任务{i}")
        if i % 2:
            accept_order(order=order, by=cast.volunteer)
    client.force_login(cast.volunteer)
    with django_assert_max_num_queries(10):
        response = client.get(TASKS)
    assert "任务9" in response.content.decode()
    with django_assert_max_num_queries(10):
        client.get(TASKS, {"show": "done"})


@pytest.fixture
def help_order(make_order, cast, service_category):
    """A micro-help request, filed automatically and open to claiming by volunteers."""
    return make_order(category=service_category, description="帮独居老人买菜")


def test_volunteers_nearby_see_orders_open_to_claiming_nearest_first(
    client, cast, make_order, service_category, help_order
):
    lng, lat = centre(cast.tree["grid1a"])
    far = make_order(category=service_category, description="稍远的求助", lng=lng + 0.0008, lat=lat)
    ResponderProfile.objects.create(
        user=cast.volunteer, kind="volunteer", lng=lng + 0.0009, lat=lat
    )
    client.force_login(cast.volunteer)
    response = client.get(CLAIMABLE)
    rows = response.context["rows"]
    assert [order.pk for order, _, _ in rows] == [far.pk, help_order.pk]
    assert rows[0][2] == ["claim"]
    html = response.content.decode()
    assert "帮独居老人买菜" in html and "米" in html
    # Their clock starts when they take it, not at a dispatch that will not happen.
    assert "接单后" in html and "派单后" not in html


@pytest.mark.parametrize("who", ["other_volunteer", "merchant", "neighbour"])
def test_responders_elsewhere_or_of_other_kinds_see_nothing_to_claim(client, cast, help_order, who):
    client.force_login(getattr(cast, who))
    response = client.get(CLAIMABLE)
    assert response.context["rows"] == []
    assert "帮独居老人买菜" not in response.content.decode()
    assert client.post(act(help_order, "claim")).status_code == 404


def test_claiming_takes_the_order_and_opens_it(client, cast, help_order):
    client.force_login(cast.volunteer)
    response = client.post(act(help_order, "claim"), {"view": "card"})
    assert response["Location"] == reverse("workorders:detail", args=[help_order.pk])
    help_order.refresh_from_db()
    assert (help_order.state, help_order.assignee) == (OrderState.ACCEPTED, cast.volunteer)
    assert help_order.deadline_at is not None


def test_the_second_claimant_is_told_someone_else_took_it(client, cast, make_user, help_order):
    rival = make_user(Role.RESPONDER, cast.tree["community1"], name="志愿者孔")
    claim_order(order=help_order, by=rival)
    client.force_login(cast.volunteer)
    card = client.post(act(help_order, "claim"), {"view": "card"}, headers=HTMX)
    assert card.status_code == 200
    assert "该工单已被他人接单" in card.content.decode()
    response = client.post(act(help_order, "claim"), follow=True)
    assert response.redirect_chain[-1][0] == CLAIMABLE
    assert "该工单已被他人接单" in response.content.decode()
    help_order.refresh_from_db()
    assert help_order.assignee == rival


def test_the_claimable_list_stays_within_a_fixed_number_of_queries(
    client, cast, make_order, service_category, django_assert_max_num_queries
):
    for i in range(12):
        make_order(category=service_category, description=f"求助{i}")
    client.force_login(cast.volunteer)
    with django_assert_max_num_queries(10):
        response = client.get(CLAIMABLE)
    assert len(response.context["rows"]) == 12


def test_responders_land_on_their_tasks(client, cast):
    client.force_login(cast.volunteer)
    assert client.get("/")["Location"] == TASKS


def test_an_accepted_card_offers_reporting_the_result_next(client, cast, make_order):
    order = dispatched(make_order, cast)
    client.force_login(cast.volunteer)
    html = client.post(act(order, "accept"), {"view": "card"}, headers=HTMX).content.decode()
    handle = reverse("workorders:detail", args=[order.pk]) + "#act-handle"
    assert f'href="{handle}"' in html and "处置反馈" in html
    # …and so does its card under 办理中 on the next visit.
    assert f'href="{handle}"' in client.get(TASKS).content.decode()


def test_cards_waiting_to_be_accepted_offer_no_report_link(client, cast, make_order):
    order = dispatched(make_order, cast)
    client.force_login(cast.volunteer)
    handle = reverse("workorders:detail", args=[order.pk]) + "#act-handle"
    assert handle not in client.get(TASKS).content.decode()
