from linli.workorders.models.calendar import WorkdayOverride
from linli.workorders.models.categories import Category, CategoryQuerySet, DeadlineUnit
from linli.workorders.models.dispatch import DispatchStats
from linli.workorders.models.kpis import KpiCategoryCounter, KpiCounter, OrderFacts
from linli.workorders.models.orders import (
    CLOCK_STATES,
    OPEN_STATES,
    Action,
    OrderEvent,
    OrderNumberCounter,
    OrderPhoto,
    OrderState,
    OrderSupport,
    PendingRequest,
    Satisfaction,
    Source,
    WorkOrder,
    WorkOrderQuerySet,
)
from linli.workorders.models.responders import ResponderProfile

__all__ = [
    "CLOCK_STATES",
    "OPEN_STATES",
    "Action",
    "Category",
    "CategoryQuerySet",
    "DeadlineUnit",
    "DispatchStats",
    "KpiCategoryCounter",
    "KpiCounter",
    "OrderEvent",
    "OrderFacts",
    "OrderNumberCounter",
    "OrderPhoto",
    "OrderState",
    "OrderSupport",
    "PendingRequest",
    "ResponderProfile",
    "Satisfaction",
    "Source",
    "WorkOrder",
    "WorkOrderQuerySet",
    "WorkdayOverride",
]
