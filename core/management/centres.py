"""The centres a command works in (events', distribution's; any app may import it): the active centres of the
caller's scope (every centre under the worker and by hand, the test's centre in a test; outside any scope:
ScopeError). `centres(slug)` each of them in its own scope, or only the one named by --centre SLUG;
`one_centre(slug)` the one centre a command acts on (an import: its rows belong to one centre)."""

from django.core.management.base import CommandError

from core.models import Centre
from core.tenancy import each_centre, scope_centre_ids, scopes_disabled


def add_centre_argument(parser, *, one=False):
    parser.add_argument("--centre", default="", metavar="SLUG",
                        help=("the centre (its short code); needed when there is more than one" if one else
                              "only this centre (its short code); every active centre when omitted"))


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


def one_centre(slug) -> Centre:
    """The active centre of the caller's scope named by `slug`, or the only one (enter it with centre_scope)."""
    allowed = scope_centre_ids()
    with scopes_disabled():
        chosen = [centre for centre in Centre.objects.filter(is_active=True, **({"slug": slug} if slug else {}))
                  .order_by("pk") if allowed is None or centre.pk in allowed]
    if not chosen:
        raise CommandError(f"No active centre {slug!r}." if slug else "There is no active centre.")
    if len(chosen) > 1:
        raise CommandError("There is more than one centre: name one with --centre SLUG ("
                           + ", ".join(centre.slug for centre in chosen) + ").")
    return chosen[0]
