"""Figures dispatch recommendations rank responders by besides skill and distance: how many
open orders a person or unit holds now, and how their rated orders were rated.

Kept current by the work-order services (`services.dispatch_stats.record_move`, called by
`apply_action` on every step) and rebuilt from the orders by `manage.py
rebuild_dispatch_stats`. A missing row means nothing held and nothing rated."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DispatchStats(models.Model):
    """One responder person or one unit (exactly one of the two is set)."""

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dispatch_stats",
        verbose_name=_("person"),
    )
    organization = models.OneToOneField(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dispatch_stats",
        verbose_name=_("unit"),
    )
    open_orders = models.PositiveIntegerField(_("open orders held"), default=0)
    rated_orders = models.PositiveIntegerField(_("rated orders"), default=0)
    # Rated 满意 or 基本满意: the usual numerator of 满意率.
    satisfied_orders = models.PositiveIntegerField(_("satisfied ratings"), default=0)

    class Meta:
        verbose_name = _("dispatch figures")
        verbose_name_plural = _("dispatch figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, organization__isnull=False)
                | Q(user__isnull=False, organization__isnull=True),
                name="dispatchstats_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(satisfied_orders__lte=F("rated_orders")),
                name="dispatchstats_satisfied_within_rated",
            ),
        ]

    def __str__(self) -> str:
        holder = f"user {self.user_id}" if self.user_id else f"unit {self.organization_id}"
        return f"{holder}: {self.open_orders} open, {self.satisfied_orders}/{self.rated_orders}"

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied_orders / self.rated_orders if self.rated_orders else None
