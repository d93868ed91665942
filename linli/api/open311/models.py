"""Open311 GeoReport v2: the applications allowed to post requests, the extra questions a
category asks (service definitions), and what an application sent with each request."""

from __future__ import annotations

import hashlib

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_key(raw: str) -> str:
    """Keys are random (or, for the demo, public), so a plain SHA-256 is enough to keep the
    stored value from being usable as a key."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Open311Source(models.TextChoices):
    """The work-order source an application's requests enter the engine with."""

    APP = "app", _("mini-program or partner app")
    HOTLINE = "hotline", _("12345 hotline")


class Open311Application(models.Model):
    """A registered client that may POST service requests with its api_key."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    source = models.CharField(
        _("source of its orders"),
        max_length=12,
        choices=Open311Source.choices,
        default=Open311Source.APP,
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 application")
        verbose_name_plural = _("Open311 applications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AttributeDatatype(models.TextChoices):
    STRING = "string", _("short text")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("long text")
    SINGLE = "singlevaluelist", _("one choice")
    MULTI = "multivaluelist", _("several choices")


class CategoryAttribute(models.Model):
    """One extra question of a category (an attribute of its Open311 service definition)."""

    category = models.ForeignKey(
        "workorders.Category",
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        verbose_name=_("category"),
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Letters, digits, - and _ only."))],
    )
    variable = models.BooleanField(
        _("asks for a value"),
        default=True,
        help_text=_("Untick for a note shown to the person reporting, with no answer."),
    )
    datatype = models.CharField(
        _("type"),
        max_length=16,
        choices=AttributeDatatype.choices,
        default=AttributeDatatype.STRING,
    )
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=300)
    # [{"key": "…", "name": "…"}] for the list types.
    values = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="categoryattribute_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.code}"

    def value_keys(self) -> dict[str, str]:
        return {str(v.get("key")): str(v.get("name", "")) for v in self.values or []}


class Open311Request(models.Model):
    """What an application sent with a request besides what the order keeps. The contact
    fields are personal data: they are stored for the city and never shown by GET."""

    order = models.OneToOneField(
        "workorders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="open311",
        verbose_name=_("work order"),
    )
    application = models.ForeignKey(
        Open311Application,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("application"),
    )
    token = models.CharField(max_length=32, unique=True)
    description = models.TextField(_("description as sent"), max_length=4000)
    attributes = models.JSONField(_("answers"), default=dict, blank=True)
    address_id = models.CharField(_("address id"), max_length=64, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=50, blank=True)
    last_name = models.CharField(_("last name"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.token
