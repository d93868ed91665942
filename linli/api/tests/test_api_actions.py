"""Order actions through the API: the whole life of an order, each action's body, 409 with
the reason for any action not allowed now, dispatch recommendations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.models import Role
from linli.accounts.tests.factories import RoleFactory, UserFactory
from linli.api.tests.api_setup import *  # noqa: F403
from linli.api.tests.api_setup import jpeg_bytes
from linli.api.v1.routes.actions import ACTIONS
from linli.workorders.models import Action, OrderState, ResponderProfile, Satisfaction, WorkOrder
from linli.workorders.services import (
    accept_order,
    cancel_order,
    dispatch_order,
    file_order,
    return_order,
)
from linli.workorders.tests.conftest import centre

pytestmark = pytest.mark.django_db


def act(api, order, action, body=None, **kwargs):
    return api.post(f"/orders/{order.pk}/actions/{action}", body or {}, **kwargs)


def photo(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def test_an_order_goes_from_report_to_rating_through_the_api(cast, make_order, as_user, media_root):
    order = make_order()
    worker, volunteer, resident = (
        as_user(cast.grid_worker),
        as_user(cast.volunteer),
        as_user(cast.resident),
    )
    lng, lat = centre(cast.tree["grid1a"])
    ResponderProfile.objects.create(user=cast.volunteer, kind="volunteer", lng=lng, lat=lat)

    assert act(worker, order, "file", {"note": "属实"}).json()["state"] == "filed"
    ranked = worker.get(f"/orders/{order.pk}/recommendations").json()
    assert cast.volunteer.pk in [r["responder_id"] for r in ranked if not r["is_unit"]]
    assert set(ranked[0]) >= {"responder_id", "name", "kind", "score", "reasons"}
    dispatched = act(worker, order, "dispatch", {"responder_id": cast.volunteer.pk, "note": "就近"})
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["assignee"]["id"] == cast.volunteer.pk
    assert act(volunteer, order, "accept").json()["state"] == "accepted"
    handled = act(
        volunteer, order, "handle", {"note": "已劝离", "photos": [photo()]}, multipart=True
    )
    assert handled.status_code == 200, handled.content
    assert handled.json()["events"][-1]["photos"]
    assert act(worker, order, "close").json()["state"] == "closed"
    rated = act(
        resident, order, "rate", {"resolved": True, "satisfaction": "fair", "comment": "还行"}
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["satisfaction"] == "fair"
    order.refresh_from_db()
    assert (order.state, order.satisfaction) == (OrderState.RATED, Satisfaction.FAIRLY)
    assert [e["action"] for e in rated.json()["events"]] == [
        "report", "file", "dispatch", "accept", "handle", "close", "rate",
    ]  # fmt: skip


def test_the_api_offers_every_action_a_person_can_take():
    offered = set(ACTIONS)
    assert offered == {a.value for a in Action} - {"report", "mark_overdue"}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_not_allowed_now_answers_409_with_the_reason(
    cast, make_order, as_user, action
):
    order = make_order()
    cancel_order(order=order, by=cast.resident)
    answer = act(as_user(cast.grid_worker), order, action)
    assert answer.status_code == 409, answer.content
    body = answer.json()
    assert body["code"] == "action_not_allowed"
    assert body["message"] and body["allowed_actions"] == []


def test_an_action_of_someone_elses_role_is_refused_with_what_one_may_do(cast, make_order, as_user):
    order = make_order()
    answer = act(as_user(cast.resident), order, "file")
    assert answer.status_code == 409
    assert "cancel" in answer.json()["allowed_actions"]
    assert WorkOrder.objects.get(pk=order.pk).state == OrderState.REPORTED


def test_an_order_one_cannot_see_is_404_for_every_action(cast, make_order, as_user):
    order = make_order()
    assert act(as_user(cast.other_grid_worker), order, "file").status_code == 404
    assert act(as_user(cast.other_grid_worker), order, "dispatch").status_code == 404


def test_bodies_are_checked_and_named(cast, make_order, as_user):
    order = file_order(order=make_order(), by=cast.grid_worker)
    worker = as_user(cast.grid_worker)
    assert act(worker, order, "decline").status_code == 409  # filed: too late to decline
    missing = act(worker, order, "dispatch", {})
    assert missing.status_code == 422 and missing.json()["field"] == "responder_id"
    nobody = act(worker, order, "dispatch", {"responder_id": 987654})
    assert nobody.status_code == 422 and nobody.json()["field"] == "responder_id"
    stranger = UserFactory()
    wrong = act(worker, order, "dispatch", {"responder_id": stranger.pk})
    assert wrong.status_code == 422 and wrong.json()["field"] == "responder_id"
    assert WorkOrder.objects.get(pk=order.pk).state == OrderState.FILED


def test_a_return_needs_a_reason_and_a_returned_order_is_dispatched_again(
    cast, make_order, as_user
):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    volunteer = as_user(cast.volunteer)
    empty = act(volunteer, order, "return", {"note": "  "})
    assert empty.status_code == 422 and empty.json()["field"] == "note"
    assert act(volunteer, order, "return", {"note": "不在我的片区"}).json()["state"] == "returned"
    again = act(as_user(cast.dispatcher), order, "dispatch", {"unit_id": cast.unit.pk})
    assert again.status_code == 200, again.content
    assert again.json()["assignee_unit"]["id"] == cast.unit.pk
    assert [e["action"] for e in again.json()["events"]][-2:] == ["approve_return", "dispatch"]


def test_extensions_are_asked_for_and_approved(cast, make_order, as_user):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    volunteer = as_user(cast.volunteer)
    bad = act(
        volunteer, order, "request_extension", {"amount": 0, "unit": "working_days", "note": "x"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "amount"
    asked = act(
        volunteer,
        order,
        "request_extension",
        {"amount": 2, "unit": "working_days", "note": "等配件"},
    )
    assert asked.json()["pending_request"] == "extension"
    approved = act(as_user(cast.dispatcher), order, "approve_extension", {})
    assert approved.status_code == 200
    assert approved.json()["extension_count"] == 1 and approved.json()["pending_request"] == ""


def test_parking_escalating_reminding_and_supporting(cast, make_order, as_user):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    accept_order(order=order, by=cast.volunteer)
    assert (
        act(as_user(cast.volunteer), order, "park", {"note": "需要施工"}).json()["pending_request"]
        == "park"
    )
    assert act(as_user(cast.leader), order, "escalate").json()["escalation_count"] == 1
    assert act(as_user(cast.resident), order, "remind").json()["remind_count"] == 1
    assert act(as_user(cast.neighbour), order, "support").json()["supporters_count"] == 1


def test_resolving_on_the_spot_needs_photos(cast, make_order, as_user, media_root):
    order = make_order()
    worker = as_user(cast.grid_worker)
    none = act(worker, order, "resolve_on_spot", {"note": "已清理"})
    assert none.status_code == 422 and none.json()["field"] == "photos"
    done = act(
        worker, order, "resolve_on_spot", {"note": "已清理", "photos": [photo()]}, multipart=True
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "closed" and done.json()["resolved_on_spot"]


def test_photos_are_refused_where_an_action_takes_none(cast, make_order, as_user, media_root):
    order = make_order()
    answer = act(as_user(cast.grid_worker), order, "file", {"photos": [photo()]}, multipart=True)
    assert answer.status_code == 422 and answer.json()["field"] == "photos"


def test_a_dissatisfied_requester_reopens_once(cast, make_order, as_user):
    order = make_order()
    worker, resident = as_user(cast.grid_worker), as_user(cast.resident)
    act(worker, order, "file")
    act(worker, order, "dispatch", {"responder_id": cast.volunteer.pk})
    act(as_user(cast.volunteer), order, "accept")
    act(as_user(cast.volunteer), order, "handle", {"note": "已处理"})
    act(worker, order, "close")
    bad = act(resident, order, "rate", {"resolved": False, "satisfaction": "fairly"})
    assert bad.status_code == 422 and bad.json()["field"] == "satisfaction"
    act(resident, order, "rate", {"resolved": False, "satisfaction": "dissatisfied"})
    assert act(resident, order, "reopen", {"note": "还在"}).json()["state"] == "filed"


def test_a_responder_who_lost_a_claim_is_told_so(cast, make_order, as_user, service_category):
    order = make_order(category=service_category)
    rival = UserFactory(name="志愿者卫")
    RoleFactory(
        user=rival, role=Role.RESPONDER, region=cast.tree["community1"], responder_kind="volunteer"
    )
    assert as_user(rival).get(f"/orders/{order.pk}").status_code == 200
    won = act(as_user(cast.volunteer), order, "claim")
    assert won.status_code == 200 and won.json()["state"] == "accepted"
    lost = act(as_user(rival), order, "claim")
    assert lost.status_code == 409
    assert "他人" in lost.json()["message"]
    assert act(as_user(cast.merchant), order, "claim").status_code == 404


def test_recommendations_are_for_those_who_dispatch(cast, make_order, as_user):
    order = file_order(order=make_order(), by=cast.grid_worker)
    assert as_user(cast.resident).get(f"/orders/{order.pk}/recommendations").status_code == 404
    assert as_user(cast.volunteer).get(f"/orders/{order.pk}/recommendations").status_code == 404
    units = as_user(cast.dispatcher).get(f"/orders/{order.pk}/recommendations?limit=4").json()
    assert any(r["is_unit"] and r["responder_id"] == cast.unit.pk for r in units)
    scores = [r["score"] for r in units]
    assert scores == sorted(scores, reverse=True)


def test_a_returned_orders_recommendations_leave_out_who_returned_it(cast, make_order, as_user):
    order = file_order(order=make_order(), by=cast.grid_worker)
    dispatch_order(order=order, by=cast.grid_worker, to_user=cast.volunteer)
    return_order(order=order, by=cast.volunteer, note="不在片区")
    ranked = as_user(cast.dispatcher).get(f"/orders/{order.pk}/recommendations?units=false").json()
    assert cast.volunteer.pk not in [r["responder_id"] for r in ranked]
