from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.management.centres import add_centre_argument, one_centre
from core.tenancy import centre_scope
from distribution.services import DistributionError
from distribution.services.imports import import_file


class Command(BaseCommand):
    help = "Import households from a CSV or XLSX list (same rules as the import page). See README for columns."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and simulate; save nothing.")
        parser.add_argument("--language", default="el", help="Language of the report (el or en).")
        add_centre_argument(parser, one=True)

    def handle(self, *args, file, dry_run, language, centre, **options):
        with translation.override(language), centre_scope(one_centre(centre)):
            try:
                counts, report = import_file(file, dry_run=dry_run)
            except (OSError, DistributionError) as exc:
                raise CommandError(str(exc)) from exc
            for entry in report:
                self.stdout.write(f"row {entry['row']}: {entry['level']}: {entry['message']}")
        self.stdout.write(("DRY RUN, nothing saved. " if dry_run else "") + ", ".join(
            f"{key}={value}" for key, value in counts.items()))
        if counts["households_rejected"]:
            self.stderr.write(self.style.WARNING(f"{counts['households_rejected']} households rejected"))
