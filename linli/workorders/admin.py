"""Admin: categories and the working calendar are edited here; orders and their history are
read-only (every change of an order goes through its services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from linli.workorders.models import (
    Category,
    OrderEvent,
    OrderPhoto,
    ResponderProfile,
    WorkdayOverride,
    WorkOrder,
)
from linli.workorders.services.categories import save_category_edit


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "level",
        "deadline_amount",
        "deadline_unit",
        "auto_file_resident_orders",
        "check_required",
        "open_to_claiming",
        "is_active",
        "locally_edited",
    ]
    list_filter = ["kind", "level", "is_active", "open_to_claiming", "locally_edited"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["locally_edited", "data_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A category's place in the tree is fixed once it exists: its code carries its
        # class, and orders and KPI counters are kept under it. Retire it and add a new one.
        fixed = ["kind", "level", "code", "parent"] if obj is not None else []
        return [*self.readonly_fields, *fixed]

    def save_model(
        self, request: HttpRequest, obj: Category, form: ModelForm, change: bool
    ) -> None:
        save_category_edit(category=obj, by=request.user, changed=list(form.changed_data))  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Orders refer to categories; retire one by unticking "active".
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(ResponderProfile)
class ResponderProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organization", "is_active"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["user", "organization"]
    filter_horizontal = ["skills"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["seq", "action", "actor", "from_state", "to_state", "at", "note"]
    readonly_fields = ["seq", "action", "actor", "from_state", "to_state", "at", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(_ReadOnly):
    list_display = ["number", "category", "source", "state", "grid", "overdue", "created_at"]
    list_filter = ["state", "source", "overdue", "urgent"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "grid"]
    # The requester's phone is left out: the order pages show it masked and log reveals.
    exclude = ["requester_phone", "client_token"]
    inlines = [OrderEventInline]


@admin.register(OrderEvent)
class OrderEventAdmin(_ReadOnly):
    list_display = ["order", "seq", "action", "actor", "from_state", "to_state", "at"]
    list_filter = ["action"]
    search_fields = ["order__number"]
    list_select_related = ["order", "actor"]


@admin.register(OrderPhoto)
class OrderPhotoAdmin(_ReadOnly):
    list_display = ["order", "event", "content_type", "width", "height", "uploaded_at"]
    list_select_related = ["order", "event"]
