from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenewalConfig(AppConfig):
    name = "linli.renewal"
    verbose_name = _("Renovation")

    def ready(self) -> None:
        from linli.accounts.models import Role
        from linli.accounts.navigation import NavItem, register_nav_item, register_role_home

        staff = frozenset({Role.PROGRAMME_STAFF, Role.ADMIN})
        readers = frozenset({Role.PROGRAMME_STAFF, Role.DISPATCHER, Role.LEADER, Role.ADMIN})
        register_nav_item(NavItem(_("Renovation"), "renewal:dashboard", readers, order=40))
        register_nav_item(NavItem(_("Renovation projects"), "renewal:projects", readers, order=41))
        register_nav_item(NavItem(_("Back alleys"), "renewal:alleys", readers, order=42))
        register_nav_item(NavItem(_("Renovation ledger"), "renewal:ledger", staff, order=43))
        register_role_home(Role.PROGRAMME_STAFF, "renewal:dashboard")

        from linli.renewal.demo import make_demo_renewal
        from linli.territory.demo import register_demo_step

        # After the work orders' demo step (200), so alley orders can link to them.
        register_demo_step("renewal", make_demo_renewal, order=300)
