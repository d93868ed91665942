"""Admin for app tokens: an administrator makes a token for anyone (its key shown once, in a
message) and revokes tokens; keys are never shown again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.api.access.models import ApiToken
from linli.api.access.tokens import issue_token, revoke_token


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__phone", "user__name", "prefix"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    readonly = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "name", *self.readonly] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["user", "name", *self.readonly] if obj is not None else ["user", "name"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # a token's fields do not change; revoke it instead
        token, key = issue_token(user=obj.user, name=obj.name, by=request.user)  # type: ignore[arg-type]
        for field in ApiToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(token, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            _("The token's key, shown only this once: %(key)s") % {"key": key},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(token=token, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("Revoked."), messages.SUCCESS)
