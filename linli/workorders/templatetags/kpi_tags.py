"""Formatting for the KPI pages."""

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A fraction as a percentage with two decimals (93.72%), or — when there is none."""
    return "—" if value is None else f"{value * 100:.2f}%"
