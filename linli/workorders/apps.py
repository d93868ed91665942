from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "linli.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        from linli.accounts.models import Role
        from linli.accounts.navigation import NavItem, register_nav_item, register_role_home

        # Resident and responder pages (views/resident.py, views/responder.py). Residents
        # land on their orders (this replaces the territory's "my neighbourhood" home).
        residents = frozenset({Role.RESIDENT})
        responders = frozenset({Role.RESPONDER})
        register_nav_item(NavItem(_("Report a problem"), "workorders:new", residents, order=5))
        register_nav_item(NavItem(_("My orders"), "workorders:my_orders", residents, order=6))
        register_nav_item(NavItem(_("My tasks"), "workorders:tasks", responders, order=7))
        register_nav_item(NavItem(_("Open to claim"), "workorders:claimable", responders, order=8))
        register_role_home(Role.RESIDENT, "workorders:my_orders")
        register_role_home(Role.RESPONDER, "workorders:tasks")

        # Grid workers' queue and the dispatch desk (views/queue.py, views/supervise.py).
        # Work orders load after the territory, so these homes replace its "my grids".
        grid_staff = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
        desk = frozenset({Role.DISPATCHER, Role.ADMIN})
        register_nav_item(NavItem(_("Work queue"), "workorders:worker_queue", grid_staff, order=15))
        register_nav_item(NavItem(_("Patrol report"), "workorders:patrol", grid_staff, order=16))
        register_nav_item(NavItem(_("Dispatch desk"), "workorders:desk", desk, order=17))
        register_nav_item(NavItem(_("Approvals"), "workorders:approvals", desk, order=18))
        register_nav_item(NavItem(_("Order files"), "workorders:files", desk, order=19))
        for role in grid_staff:
            register_role_home(role, "workorders:worker_queue")
        register_role_home(Role.DISPATCHER, "workorders:desk")

        # Leaders' KPI pages and the monthly report (views/kpis.py); the leader's home.
        from django.core.checks import register

        from linli.workorders.kpis.formulas import check_settings
        from linli.workorders.kpis.permissions import KPI_ROLES

        register(check_settings)
        register_nav_item(NavItem(_("Work-order KPIs"), "workorders:kpis", KPI_ROLES, order=35))
        register_role_home(Role.LEADER, "workorders:kpis")

        from linli.territory.demo import register_demo_step
        from linli.workorders.demo import make_demo_orders

        register_demo_step("workorders", make_demo_orders, order=200)

        # What demo responders offer (service points, skills), for dispatch recommendations.
        from linli.workorders.demo.profiles import make_demo_responder_profiles

        register_demo_step("responder_profiles", make_demo_responder_profiles, order=150)
