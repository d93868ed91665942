"""Local changes to the working calendar, on top of the national holidays and make-up
working days (调休) that the `chinesecalendar` package carries."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """One date that is (or is not) a working day here, whatever the national calendar says:
    a local holiday, a typhoon day off, or a year the package does not cover yet."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("working calendar override")
        verbose_name_plural = _("working calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'day off'}"
