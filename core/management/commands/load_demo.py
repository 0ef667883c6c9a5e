"""Demo data for every app, loaded once (running it again changes nothing).

Each app may have a `demo.py` module with `load(ctx)`; they run in INSTALLED_APPS order, so an
app's demo may use what the apps before it created. Passwords are random and printed once. Three
centres: Drama (the full demo) and two invented ones of the same region (core.demo.other_centres),
where every app's demo runs again, in that centre's scope and at a fifth of the size.
"""

import importlib
import random
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.tenancy import CentreRef, centre_scope


@dataclass
class DemoContext:
    stdout: object
    rng: random.Random
    logins: list = field(default_factory=list)
    scale: float = 1.0  # the share of the full demo's size an app's demo makes in the current centre

    def say(self, text):
        self.stdout.write(text)

    def size(self, full: int, least: int = 1) -> int:
        """`full` (the full demo's count of something) at this centre's scale, at least `least`."""
        return max(least, round(full * self.scale))


OTHER_CENTRES_SCALE = 0.2


def demo_modules():
    """Each app's demo module, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        try:
            yield importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for names and figures.")

    def handle(self, *args, seed, **options):
        ctx = DemoContext(stdout=self.stdout, rng=random.Random(seed))  # noqa: S311 - not security
        for module in demo_modules():
            # The full demo is the first centre's (core.demo fills in its details).
            with transaction.atomic(), centre_scope(CentreRef(first=True)):
                module.load(ctx)
        # Two more centres of the region, with their own places and people (core.demo) and a small set of
        # every app's data; the demo coordinator belongs to all three (the switcher shows on every page).
        from core.demo import other_centres

        with transaction.atomic():
            centres = other_centres(ctx)
        for centre in centres:
            self.stdout.write(f"{centre.short_name}:")
            # Each centre draws its own names and figures, whatever the centres before it drew.
            small = replace(ctx, rng=random.Random(f"{seed}:{centre.slug}"),  # noqa: S311 - not security
                            scale=OTHER_CENTRES_SCALE)
            for module in demo_modules():
                with transaction.atomic(), centre_scope(centre):
                    module.load(small)
        if ctx.logins:
            self.stdout.write(self.style.SUCCESS("\nDemo logins (shown only now; passwords are random):"))
            for role, username, password in ctx.logins:
                self.stdout.write(f"  {role:<12} {username:<22} {password}")
        else:
            self.stdout.write("Demo data already loaded; the demo logins were printed on the first run.")
            self.stdout.write("New password for a demo user: .venv/bin/python manage.py changepassword USERNAME")
