from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from linli.accounts.models import Role
        from linli.accounts.navigation import NavItem, register_nav_item

        register_nav_item(NavItem(_("Messages"), "accounts:inbox", frozenset(Role), order=80))
