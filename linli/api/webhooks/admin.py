"""Admin for webhooks: register URLs and read the delivery log, attempt by attempt."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.api.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from linli.api.webhooks.services import redeliver
from linli.workorders.models import Action


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=gettext_lazy("events"),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked to receive every event."),
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "events", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "status_code", "duration_ms", "error", "response_snippet",
              "next_retry_at"]  # fmt: skip
    readonly_fields = ["number", "at", "status_code", "duration_ms", "error", "response_snippet",
                       "next_retry_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "webhook", "status", "attempts", "next_retry_at", "created_at"]
    list_filter = ["status", "webhook"]
    search_fields = ["event_type", "uuid"]
    readonly_fields = ["uuid", "webhook", "event", "event_type", "payload", "status", "attempts",
                       "next_retry_at", "created_at", "delivered_at"]  # fmt: skip
    inlines = [AttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=gettext_lazy("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            redeliver(delivery=delivery)
        messages.success(request, _("%(n)d deliveries queued.") % {"n": queryset.count()})
