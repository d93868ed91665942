"""The period picker and the report's month: input only, with Chinese messages naming the
field; the pages fall back to the default period when the input is bad."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.workorders.kpis.queries import Period

EARLIEST = date(2000, 1, 1)
LONGEST_DAYS = 3 * 366


def this_month(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.replace(day=1), today)


def presets(today: date | None = None) -> list[tuple[str, Period]]:
    """The period picker's shortcuts."""
    today = today or timezone.localdate()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return [
        (str(_("This month")), this_month(today)),
        (str(_("Last month")), Period(last_month_end.replace(day=1), last_month_end)),
        (str(_("Last 30 days")), Period(today - timedelta(days=29), today)),
        (str(_("This quarter")), Period(quarter_start, today)),
        (str(_("This year")), Period(today.replace(month=1, day=1), today)),
        (str(_("Last 12 months")), Period(today - timedelta(days=364), today)),
    ]


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the first day as a date, e.g. 2026-03-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the last day as a date, e.g. 2026-03-31.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = this_month()
        start, end = data.get("start") or default.start, data.get("end") or default.end
        if data.get("start") and not data.get("end") and start > default.end:
            end = start
        if start < EARLIEST:
            self.add_error("start", _("The first day must be in 2000 or later."))
        elif end < start:
            self.add_error("end", _("The last day comes before the first day."))
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", _("Choose a period of at most three years."))
        data["period"] = Period(start, end)
        return data

    def period(self) -> Period:
        """The chosen period, or this month when the input is not valid."""
        if self.is_valid():
            period: Period = self.cleaned_data["period"]
            return period
        return this_month()


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Enter the month as year-month, e.g. 2026-03.")},
    )

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(_("Enter the month as year-month, e.g. 2026-03."))
        return date(year, month, 1)

    def first_day(self) -> date:
        """The chosen month's first day; by default last month."""
        if self.is_valid() and self.cleaned_data.get("month"):
            first: date = self.cleaned_data["month"]
            return first
        return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
