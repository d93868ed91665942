"""Admin for Open311: applications (the api_key is shown once, when it is created) and the
questions of each category's service definition."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from linli.api.open311.models import CategoryAttribute, Open311Application, Open311Request
from linli.api.open311.services import register_application


@admin.register(Open311Application)
class Open311ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "key_prefix", "is_active", "created_at"]
    list_filter = ["source", "is_active"]
    search_fields = ["name", "contact"]
    readonly_fields = ["key_prefix", "created_at"]
    fields = ["name", "contact", "source", "is_active", "key_prefix", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: Open311Application, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        app, key = register_application(
            name=obj.name,
            source=obj.source,
            contact=obj.contact,
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk, obj.key_hash, obj.key_prefix = app.pk, app.key_hash, app.key_prefix
        obj._state.adding = False
        messages.warning(
            request,
            _("The api_key of %(name)s is %(key)s — copy it now, it is not shown again.")
            % {"name": app.name, "key": key},
        )


@admin.register(CategoryAttribute)
class CategoryAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "order", "code", "datatype", "required", "variable", "description"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__name", "category__code"]
    raw_id_fields = ["category"]


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["order", "application", "created_at"]
    list_filter = ["application"]
    search_fields = ["order__number", "token"]
    raw_id_fields = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
