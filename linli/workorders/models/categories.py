"""The category tree: city components (部件), incidents (事件) and resident services (五小 and the
twelve kinds of micro-help), each node with its filing, deadline and closing rules.

Shipped as data (data/categories/categories.json, loaded by `manage.py load_categories`) and
editable in the admin."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)

    def leaves(self) -> CategoryQuerySet:
        """Categories an order may be filed under: those without active children."""
        return self.exclude(children__is_active=True)

    def of_kind(self, kind: str) -> CategoryQuerySet:
        return self.filter(kind=kind)


class Category(models.Model):
    """One node of the three-level tree (major / minor / detail class)."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("city component")
        INCIDENT = "incident", _("incident")
        SERVICE = "service", _("resident service")

    class Level(models.IntegerChoices):
        MAJOR = 1, _("major class")
        MINOR = 2, _("minor class")
        DETAIL = 3, _("detail class")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    icon = models.CharField(_("icon key"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    filing_conditions = models.TextField(_("filing conditions"), blank=True)
    closing_conditions = models.TextField(_("closing conditions"), blank=True)
    deadline_amount = models.PositiveSmallIntegerField(_("deadline"), default=3)
    deadline_unit = models.CharField(
        _("deadline unit"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_DAYS,
    )
    urgent_deadline_amount = models.PositiveSmallIntegerField(_("urgent deadline"), default=4)
    urgent_deadline_unit = models.CharField(
        _("urgent deadline unit"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_HOURS,
    )
    auto_file_resident_orders = models.BooleanField(
        _("file residents' orders automatically"), default=False
    )
    check_required = models.BooleanField(_("check required before closing"), default=True)
    # Values of accounts.ResponderKind; empty means any kind of responder may take it.
    responder_kinds = models.JSONField(_("responder kinds allowed"), default=list, blank=True)
    open_to_claiming = models.BooleanField(_("open to claiming"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Set when someone edits the category in the admin: load_categories then leaves it alone.
    locally_edited = models.BooleanField(_("edited locally"), default=False)
    data_version = models.CharField(_("data version"), max_length=20, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="category_unique_code"),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="category_parent_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(deadline_amount__gt=0) & Q(urgent_deadline_amount__gt=0),
                name="category_deadlines_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def deadline_for(self, *, urgent: bool) -> tuple[int, str]:
        """(amount, unit) of the handling deadline for an ordinary or an urgent order."""
        if urgent:
            return self.urgent_deadline_amount, self.urgent_deadline_unit
        return self.deadline_amount, self.deadline_unit

    def allows_responder_kind(self, kind: str) -> bool:
        return not self.responder_kinds or kind in self.responder_kinds
