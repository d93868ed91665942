from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import (
    AuditEntry,
    Notification,
    NotificationDelivery,
    Organization,
    OrganizationMembership,
    RoleAssignment,
    SensitiveAccessLog,
    User,
)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "name", "email", "language", "is_active", "is_staff"]
    search_fields = ["phone", "name", "email"]
    list_filter = ["is_active", "is_staff", "language", "roles__role"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("phone", "name", "password")}),
        (
            _("Notifications"),
            {
                "fields": (
                    "email",
                    "language",
                    "notify_by_sms",
                    "notify_by_wechat",
                    "notify_by_email",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("phone", "name", "password1", "password2")}),
    )


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "service_area"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["service_area"]
    inlines = [MembershipInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "viewer", "subject_label", "field", "ip"]
    list_filter = ["field", "subject_type"]
    search_fields = ["viewer__phone", "viewer__name", "subject_label"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "target_id"]


class DeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    readonly_fields = [
        "channel",
        "status",
        "attempts",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    ]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["user__phone", "user__name", "title"]
    inlines = [DeliveryInline]
