"""Template filters for territory pages: masked personal data."""

from django import template

from linli.lib.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    return mask_phone(value)


@register.filter
def masked_id_number(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def masked_text(value: str | None) -> str:
    """Free-text sensitive fields (special group) show only that something is recorded."""
    return "••••" if value else ""


@register.filter
def at(mapping: dict[object, object], key: object) -> object:
    """mapping[key] in a template (`staff|at:grid.pk`), or an empty list when absent."""
    return mapping.get(key, [])
