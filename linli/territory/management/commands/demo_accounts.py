import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.accounts.models import DemoLogin


class Command(BaseCommand):
    help = "List the demo city's logins: role, name, phone, password, region (and kind)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON list for scripts.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows, labels = [], []
        for demo in DemoLogin.objects.select_related("user").prefetch_related(
            "user__roles__region"
        ):
            region = next(
                (a.region for a in demo.user.roles.all() if a.role == demo.role and a.is_active),
                None,
            )
            rows.append(
                {
                    "role": demo.role,
                    "name": demo.user.name,
                    "phone": demo.user.phone,
                    "password": demo.password,
                    "region": region.name if region else "",
                    "kind": demo.responder_kind,
                }
            )
            labels.append(
                str(demo.get_role_display())
                + (f" · {demo.get_responder_kind_display()}" if demo.responder_kind else "")
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(_("No demo logins: run manage.py seed_demo first."))
            return
        for label, row in zip(labels, rows, strict=True):
            self.stdout.write(
                f"{label}\t{row['name']}\t{row['phone']}\t{row['password']}\t{row['region']}"
            )
