"""The centres an events job runs over: each active centre in its own scope, or the one named by --centre."""

from django.core.management.base import CommandError

from core.tenancy import each_centre


def add_centre_argument(parser):
    parser.add_argument("--centre", default="", metavar="SLUG",
                        help="only this centre (its short code); every active centre when omitted")


def centres(slug):
    """Yield each centre to work on, its scope active while the caller's loop body runs."""
    found = False
    for centre in each_centre():
        if not slug or centre.slug == slug:
            found = True
            yield centre
    if slug and not found:
        raise CommandError(f"No active centre {slug!r}.")
