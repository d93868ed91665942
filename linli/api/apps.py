from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "linli.api"
    verbose_name = _("JSON API")

    def ready(self) -> None:
        # Open311 and webhooks (docs/open311.md): their admin pages, the webhook listener
        # on every order event, and the demo city's Open311 application and questions.
        from linli.api.open311 import admin as open311_admin  # noqa: F401
        from linli.api.open311.demo import make_demo_open311
        from linli.api.webhooks import admin as webhooks_admin  # noqa: F401
        from linli.api.webhooks.services import on_order_event
        from linli.territory.demo import register_demo_step
        from linli.workorders.listeners import register_event_listener

        register_event_listener(on_order_event)
        register_demo_step("open311", make_demo_open311, order=250)

        # JSON API tokens (docs/api.md): their admin, and the "API tokens" page in the menu
        # of those who connect other systems (12345 sync, big screens, department systems).
        # Anyone may open it; residents' apps get tokens from POST /auth/token. Grid workers,
        # leaders and responders work on phones: the item would only crowd their menu.
        from linli.accounts.models import Role
        from linli.accounts.navigation import NavItem, register_nav_item
        from linli.api.access import admin as access_admin  # noqa: F401

        integrators = frozenset({Role.ADMIN, Role.DISPATCHER, Role.PROGRAMME_STAFF})
        register_nav_item(NavItem(_("API tokens"), "api_tokens:tokens", integrators, order=95))
