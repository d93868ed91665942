"""What a responder offers: the categories they take, where they start from, and whether they
are taking orders now. Read by dispatch recommendations."""

from __future__ import annotations

from django.db import models
from django.db.models import F, IntegerField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import ResponderKind

# Service points fall into cells of 1/100 degree (about 1 km) for the spatial prefilter of
# dispatch recommendations (linli.workorders.recommend). The cell is an expression index, so
# no column has to be kept current when a profile moves. (SQLite truncates the cast and
# PostgreSQL rounds it: readers search one cell wider than they need.)
CELLS_PER_DEGREE = 100


def service_cell(field: str) -> Cast:
    return Cast(F(field) * CELLS_PER_DEGREE, IntegerField())


class ResponderProfile(models.Model):
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="responder_profile",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("responder kind"), max_length=20, choices=ResponderKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responder_profiles",
        verbose_name=_("organisation"),
    )
    skills = models.ManyToManyField(
        "workorders.Category", blank=True, related_name="responders", verbose_name=_("skills")
    )
    lng = models.FloatField(_("service point longitude"), null=True, blank=True)
    lat = models.FloatField(_("service point latitude"), null=True, blank=True)
    service_radius_m = models.PositiveIntegerField(_("service radius (m)"), default=3000)
    is_active = models.BooleanField(_("taking orders"), default=True)

    class Meta:
        verbose_name = _("responder profile")
        verbose_name_plural = _("responder profiles")
        indexes = [
            # Covering: recommendations read a circle of candidates from the index alone.
            models.Index(
                service_cell("lat"),
                service_cell("lng"),
                *(
                    F(f)
                    for f in (
                        "is_active",
                        "kind",
                        "lng",
                        "lat",
                        "user_id",
                        "service_radius_m",
                        "id",
                    )
                ),
                name="responder_cell_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"
