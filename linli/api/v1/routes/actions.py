"""POST /orders/{id}/actions/{action}: every step a person can take on an order, through
the same services as the order page. An action the person may not take now answers 409
with the reason and what they may do instead; bad input answers 422 naming the field.

Each action is its own operation, so the OpenAPI document shows each one's body."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from pydantic import BaseModel

from linli.accounts.models import Organization, User
from linli.api.access.security import PERSON
from linli.api.v1 import present
from linli.api.v1.bodies import read_body
from linli.api.v1.errors import ApiError, invalid, problems_from_messages
from linli.api.v1.openapi import body_doc
from linli.api.v1.routes.auth import person
from linli.api.v1.routes.common import PathId
from linli.api.v1.schemas import (
    ApproveExtensionIn,
    CheckIn,
    DispatchIn,
    ExtensionIn,
    NoteIn,
    OrderOut,
    RateIn,
    ReasonIn,
    ResultIn,
)
from linli.workorders import services as s
from linli.workorders.models import Action, OrderState, WorkOrder
from linli.workorders.permissions import (
    allowed_actions,
    get_order_for,
    get_order_to_support,
    relations,
)
from linli.workorders.services.desk import redispatch_order
from linli.workorders.workflow import ActionRefused, Actor, refusal

router = Router(tags=["order actions"], auth=PERSON)

A = Action
Photos = Sequence[UploadedFile]
Call = Callable[[WorkOrder, User, Any, Photos], WorkOrder]
# The services' field names where the API says it differently.
FIELD_NAMES = {"to_user": "responder_id", "to_unit": "unit_id", "location": "location"}


@dataclass(frozen=True)
class Spec:
    schema: type[BaseModel]
    call: Call
    summary: str
    photos: bool = False


def _dispatch(order: WorkOrder, by: User, data: DispatchIn, photos: Photos) -> WorkOrder:
    """As the dispatch page: to a person, a unit, or a named member of a unit; a returned
    order has its return approved in the same step."""
    problems = []
    to_user = to_unit = None
    if data.responder_id is not None:
        to_user = User.objects.filter(pk=data.responder_id).first()
        if to_user is None:
            problems.append(
                (
                    "responder_id",
                    _("Responder: there is no person %(id)s.") % {"id": data.responder_id},
                )
            )
    if data.unit_id is not None:
        to_unit = (
            Organization.objects.select_related("service_area").filter(pk=data.unit_id).first()
        )
        if to_unit is None:
            problems.append(("unit_id", _("Unit: there is no unit %(id)s.") % {"id": data.unit_id}))
    if data.responder_id is None and data.unit_id is None:
        problems.append(
            ("responder_id", _("Responder: give responder_id or unit_id to dispatch to."))
        )
    if problems:
        raise invalid([{"field": f, "code": "invalid", "message": m} for f, m in problems])
    return redispatch_order(order=order, by=by, to_user=to_user, to_unit=to_unit, note=data.note)


class NotedStep(Protocol):
    def __call__(self, *, order: WorkOrder, by: User, note: str) -> WorkOrder: ...


class NotedStepWithPhotos(Protocol):
    def __call__(self, *, order: WorkOrder, by: User, note: str, photos: Photos) -> WorkOrder: ...


def _noted(step: NotedStep) -> Call:
    """A step whose body is only a note (or a reason)."""
    return lambda o, u, d, p: step(order=o, by=u, note=d.note)


def _noted_with_photos(step: NotedStepWithPhotos) -> Call:
    """A step with a note and the photos sent with it."""
    return lambda o, u, d, p: step(order=o, by=u, note=d.note, photos=p)


ACTIONS: dict[str, Spec] = {
    A.FILE: Spec(NoteIn, _noted(s.file_order), "File (立案)"),
    A.DECLINE: Spec(ReasonIn, _noted(s.decline_order), "Decline to file (不予立案)"),
    A.CANCEL: Spec(NoteIn, _noted(s.cancel_order), "Cancel"),
    A.DISPATCH: Spec(DispatchIn, _dispatch, "Dispatch (派单) to a person or unit"),
    A.CLAIM: Spec(NoteIn, _noted(s.claim_order), "Claim (抢单)"),
    A.ACCEPT: Spec(NoteIn, _noted(s.accept_order), "Accept (接单)"),
    A.RETURN: Spec(ReasonIn, _noted(s.return_order), "Return (退单)"),
    A.APPROVE_RETURN: Spec(NoteIn, _noted(s.approve_return), "Approve a return"),
    A.REFUSE_RETURN: Spec(ReasonIn, _noted(s.refuse_return), "Refuse a return"),
    A.REQUEST_EXTENSION: Spec(
        ExtensionIn,
        lambda o, u, d, p: s.request_extension(
            order=o, by=u, amount=d.amount, unit=d.unit, note=d.note
        ),
        "Ask for an extension (延期)",
    ),
    A.APPROVE_EXTENSION: Spec(
        ApproveExtensionIn,
        lambda o, u, d, p: s.approve_extension(
            order=o, by=u, note=d.note, amount=d.amount, unit=d.unit
        ),
        "Approve an extension",
    ),
    A.REFUSE_EXTENSION: Spec(ReasonIn, _noted(s.refuse_extension), "Refuse an extension"),
    A.PARK: Spec(ReasonIn, _noted(s.park_order), "Ask to park (挂账)"),
    A.APPROVE_PARK: Spec(NoteIn, _noted(s.approve_park), "Approve parking"),
    A.REFUSE_PARK: Spec(ReasonIn, _noted(s.refuse_park), "Refuse parking"),
    A.RESUME: Spec(NoteIn, _noted(s.resume_order), "Resume a parked order"),
    A.HANDLE: Spec(
        ResultIn, _noted_with_photos(s.handle_order), "Report the result (处置)", photos=True
    ),
    A.CLOSE: Spec(
        CheckIn, _noted_with_photos(s.close_order), "Check and close (结案)", photos=True
    ),
    A.REWORK: Spec(
        ReasonIn, _noted_with_photos(s.rework_order), "Send back for rework (返工)", photos=True
    ),
    A.RATE: Spec(
        RateIn,
        lambda o, u, d, p: s.rate_order(
            order=o,
            by=u,
            resolved=d.resolved,
            satisfaction=present.SATISFACTION_FROM_API[d.satisfaction],
            comment=d.comment,
        ),
        "Rate (回访评价)",
    ),
    A.REOPEN: Spec(NoteIn, _noted(s.reopen_order), "Reopen (重办)"),
    A.ESCALATE: Spec(NoteIn, _noted(s.escalate_order), "Escalate (督办)"),
    A.REMIND: Spec(NoteIn, _noted(s.remind_order), "Remind (催办)"),
    A.SUPPORT: Spec(
        NoteIn, lambda o, u, d, p: s.support_order(order=o, by=u), "Me too (我也遇到了)"
    ),
    A.RESOLVE_ON_SPOT: Spec(
        ResultIn,
        _noted_with_photos(s.resolve_on_spot),
        "Resolve on the spot (就地化解), with photos",
        photos=True,
    ),
}


def _order_for(user: User, pk: int, action: str) -> WorkOrder:
    """The order if the person may see it. "Me too" is offered on orders one cannot open
    yet; a responder who lost a claim is told so (409) rather than given a bare 404."""
    try:
        return get_order_for(user, pk)
    except Http404:
        if action == A.SUPPORT:
            return get_order_to_support(user, pk)
        if action == A.CLAIM:
            order = WorkOrder.objects.with_details().filter(pk=pk).first()
            if order is not None and Actor.CLAIMANT in relations(user, order):
                return order
        raise


def _refusal(user: User, order: WorkOrder, action: str) -> str | None:
    rels = relations(user, order)
    if action == A.DISPATCH and order.state == OrderState.RETURNED:
        # Re-dispatching a return approves it first (the dispatch page's rule).
        return refusal(order, A.APPROVE_RETURN, rels)
    return refusal(order, Action(action), rels)


def _refused(user: User, order: WorkOrder, reason: str) -> ApiError:
    return ApiError(
        409, reason, extra={"allowed_actions": [a.value for a in allowed_actions(user, order)]}
    )


def _service_problems(exc: ValidationError) -> ApiError:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    renamed = {FIELD_NAMES.get(k, k): v for k, v in messages.items()}
    return invalid(problems_from_messages(renamed))


def _view(action: str, spec: Spec) -> Callable[[HttpRequest, int], dict[str, Any]]:
    def view(request: HttpRequest, order_id: PathId) -> dict[str, Any]:
        user = person(request)
        order = _order_for(user, order_id, action)
        if reason := _refusal(user, order, action):
            raise _refused(user, order, reason)
        data, photos = read_body(request, spec.schema, photos=spec.photos)
        try:
            done = spec.call(order, user, data, photos)
        except ActionRefused as exc:
            order.refresh_from_db()
            raise _refused(user, order, " ".join(exc.messages)) from None
        except ValidationError as exc:
            raise _service_problems(exc) from None
        return present.order_detail(done, user, request)

    view.__name__ = f"order_{action}"
    view.__doc__ = (
        f"{spec.summary}. Answers the order after it; 409 when the action is not allowed now."
        + (" Photos: send multipart/form-data with files in `photos`." if spec.photos else "")
    )
    return view


for _action, _spec in ACTIONS.items():
    router.post(
        f"/orders/{{order_id}}/actions/{_action}",
        response=OrderOut,
        summary=_spec.summary,
        operation_id=f"order_action_{_action}",
        url_name=f"order_action_{_action}",
        openapi_extra=body_doc(_spec.schema, photos=_spec.photos),
    )(_view(_action, _spec))
