"""The language of an API answer. Unlike the pages (Chinese first, never guessed from the
browser), an API client says what it wants: `?lang=en`, else `Accept-Language`, else the
person's own setting, else Chinese."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from linli.accounts.middleware import chosen_language


def _supported(code: str) -> str | None:
    code = code.strip().lower().replace("_", "-")
    if not code or code == "*" or len(code) > 20:
        return None
    if code in ("zh", "zh-cn", "zh-sg", "zh-hans-cn"):
        return "zh-hans"
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def api_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked and (found := _supported(asked)):
        return found
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if header:
        for code, _quality in parse_accept_lang_header(header[:500]):
            if found := _supported(code):
                return found
    return chosen_language(request) if hasattr(request, "user") else settings.LANGUAGE_CODE
