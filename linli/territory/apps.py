from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "linli.territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from linli.accounts.models import Role
        from linli.accounts.navigation import NavItem, register_nav_item, register_role_home

        offices = frozenset({Role.DISPATCHER, Role.PROGRAMME_STAFF, Role.LEADER, Role.ADMIN})
        grid_staff = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
        register_nav_item(NavItem(_("My grids"), "territory:my_grids", grid_staff, order=20))
        register_nav_item(
            NavItem(_("Territory"), "territory:overview", offices | grid_staff, order=30)
        )
        register_nav_item(
            NavItem(_("Imports"), "territory:imports", frozenset({Role.ADMIN}), order=90)
        )
        register_nav_item(
            NavItem(_("Access log"), "accounts:access_log", frozenset({Role.ADMIN}), order=95)
        )
        for role in offices:
            register_role_home(role, "territory:overview")
        for role in grid_staff:
            register_role_home(role, "territory:my_grids")
        residents = frozenset({Role.RESIDENT})
        register_nav_item(
            NavItem(_("My neighbourhood"), "territory:resident_home", residents, order=10)
        )
        register_role_home(Role.RESIDENT, "territory:resident_home")
