"""App tokens for the JSON API and the counters behind its rate limits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An app's key to the JSON API, acting as one person. Only a hash of the key is kept:
    the key itself is shown once, when it is made, and cannot be read back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(pgettext_lazy("api token", "name"), max_length=100)
    # The first characters of the key, so people can tell their tokens apart.
    prefix = models.CharField(_("key begins with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class RateWindow(models.Model):
    """Requests counted for one caller (a token, a person or an address) in one window of
    time. Kept in the database so every web process sees the same counts."""

    key = models.CharField(max_length=120)
    window_start = models.BigIntegerField()  # Unix seconds
    hits = models.PositiveIntegerField(default=0)
    # Unix seconds after which the row no longer matters (the next window has passed).
    expires = models.BigIntegerField(db_index=True)

    objects: models.Manager[RateWindow] = models.Manager()

    class Meta:
        verbose_name = _("rate-limit window")
        verbose_name_plural = _("rate-limit windows")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratewindow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.hits}"
