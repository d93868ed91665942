"""Every write to work orders. Import the services from here:

from linli.workorders.services import create_order, dispatch_order, …
"""

from linli.workorders.services.approvals import (
    approve_extension,
    approve_park,
    park_order,
    refuse_extension,
    refuse_park,
    request_extension,
    resume_order,
)
from linli.workorders.services.intake import Place, create_order, locate, next_order_number
from linli.workorders.services.lifecycle import (
    accept_order,
    approve_return,
    cancel_order,
    claim_order,
    close_order,
    decline_order,
    dispatch_order,
    file_order,
    handle_order,
    rate_order,
    refuse_return,
    reopen_order,
    resolve_on_spot,
    return_order,
    rework_order,
)
from linli.workorders.services.supervision import (
    escalate_order,
    mark_overdue,
    remind_order,
    support_order,
)
from linli.workorders.workflow import ActionRefused

__all__ = [
    "ActionRefused",
    "Place",
    "accept_order",
    "approve_extension",
    "approve_park",
    "approve_return",
    "cancel_order",
    "claim_order",
    "close_order",
    "create_order",
    "decline_order",
    "dispatch_order",
    "escalate_order",
    "file_order",
    "handle_order",
    "locate",
    "mark_overdue",
    "next_order_number",
    "park_order",
    "rate_order",
    "refuse_extension",
    "refuse_park",
    "refuse_return",
    "remind_order",
    "reopen_order",
    "request_extension",
    "resolve_on_spot",
    "resume_order",
    "return_order",
    "rework_order",
    "support_order",
]
