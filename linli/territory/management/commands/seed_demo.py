from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.territory.demo import Scale
from linli.territory.demo.builder import build_demo_city
from linli.territory.demo.regions import DEFAULT_GRID_CODE_FORMAT
from linli.territory.models import Region


class Command(BaseCommand):
    help = "Generate the demo city (鹤壁市) with grids, estates, organisations and people."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=[s.value for s in Scale], default=Scale.CITY)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a city already exists."
        )
        parser.add_argument(
            "--grid-code-format",
            default=DEFAULT_GRID_CODE_FORMAT,
            help="Python format for grid codes from {community} (12 digits) and {seq}.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEMO_MODE and DEBUG off."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.DEBUG or options["force"]):
            raise CommandError(
                _("Demo data is only generated with DEMO_MODE or DEBUG on (or --force).")
            )
        if Region.objects.filter(level=Region.Level.CITY).exists():
            if options["if_empty"]:
                self.stdout.write(_("A city is already loaded; nothing to do."))
                return
            raise CommandError(
                _("The database already holds a city. Use an empty database, or --if-empty.")
            )
        fmt = options["grid_code_format"]
        try:
            fmt.format(community="410611002001", seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise CommandError(
                _("The grid code format may use only {community} and {seq}.")
            ) from exc
        city = build_demo_city(
            scale=Scale(options["scale"]),
            seed=options["seed"],
            grid_code_format=fmt,
            log=lambda line: self.stdout.write(f"  {line}"),
        )
        self.stdout.write(self.style.SUCCESS(_("Demo city %(name)s is ready.") % {"name": city}))
