"""The centres a volunteers command runs over: each active centre of the caller's scope (every centre under the
worker and by hand; the test's centre in a test; outside any scope: ScopeError), each in its own scope, or the one
named by --centre (as events' and inventory's commands do; volunteers imports no other app)."""

from django.core.management.base import CommandError

from core.tenancy import each_centre, scope_centre_ids


def add_centre_argument(parser):
    parser.add_argument("--centre", default="", metavar="SLUG",
                        help="only this centre (its short code); every active centre when omitted")


def centres(slug):
    """Yield each centre to work on, its scope active while the caller's loop body runs."""
    allowed = scope_centre_ids()
    found = False
    for centre in each_centre():
        if (allowed is None or centre.pk in allowed) and (not slug or centre.slug == slug):
            found = True
            yield centre
    if slug and not found:
        raise CommandError(f"No active centre {slug!r}.")
