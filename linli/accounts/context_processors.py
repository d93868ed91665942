from typing import Any

from django.conf import settings
from django.http import HttpRequest

from linli.accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation_for(request.user),  # type: ignore[arg-type]
        "demo_mode": settings.DEMO_MODE,
    }
