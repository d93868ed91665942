"""Open311 reads: the services (our categories) and the requests anyone may list.

service_code is the category's kind and code ("incident-0404"): codes repeat across kinds
(部件 0101 上水井盖, 事件 0101 私搭乱建), so the code alone does not name a category."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from linli.api.open311.models import CategoryAttribute, Open311Application
from linli.workorders.models import OPEN_STATES, Category, OrderEvent, OrderPhoto, WorkOrder

# Kinds whose orders are about public space, and so listed to anyone. Resident services
# (help for the elderly, the sick …) are personal: only the application that posted one sees it.
PUBLIC_KINDS = (Category.Kind.COMPONENT, Category.Kind.INCIDENT)


def service_code(category: Category) -> str:
    return f"{category.kind}-{category.code}"


def services() -> QuerySet[Category]:
    """Every category an order may be filed under, with its major class and whether it asks
    extra questions (`has_attributes`)."""
    return (
        Category.objects.active()
        .leaves()
        .select_related("parent")
        .annotate(has_attributes=Exists(CategoryAttribute.objects.filter(category=OuterRef("pk"))))
        .order_by("kind", "code")
    )


def find_service(code: str) -> Category | None:
    kind, _, number = code.partition("-")
    if kind not in Category.Kind.values or not number:
        return None
    return services().filter(kind=kind, code=number).first()


def attributes_of(category: Category) -> list[CategoryAttribute]:
    return list(CategoryAttribute.objects.filter(category=category).order_by("order", "code"))


def categories_for_codes(codes: list[str]) -> list[int]:
    where = Q(pk__in=[])
    for code in codes:
        kind, _, number = code.partition("-")
        where |= Q(kind=kind, code=number)
    return list(Category.objects.filter(where).values_list("pk", flat=True))


def listed_requests(application: Open311Application | None) -> QuerySet[WorkOrder]:
    """Orders Open311 lists: those about public space, and the ones `application` posted,
    with everything a request shows in a fixed number of queries."""
    visible = Q(category__kind__in=PUBLIC_KINDS)
    if application is not None:
        visible |= Q(open311__application=application)
    last_event = OrderEvent.objects.filter(order=OuterRef("pk")).order_by("-seq").values("at")
    return (
        WorkOrder.objects.filter(visible)
        .select_related("category", "subdistrict", "assignee_unit", "open311")
        .prefetch_related(Prefetch("photos", queryset=OrderPhoto.objects.order_by("pk")))
        .annotate(updated_at=Subquery(last_event[:1]))
        .order_by("-created_at", "-pk")
    )


def filter_requests(
    queryset: QuerySet[WorkOrder],
    *,
    start: datetime,
    end: datetime,
    category_ids: list[int] | None,
    open_states: bool | None,
) -> QuerySet[WorkOrder]:
    queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
    if category_ids is not None:
        queryset = queryset.filter(category_id__in=category_ids)
    if open_states is True:
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif open_states is False:
        queryset = queryset.exclude(state__in=OPEN_STATES)
    return queryset
