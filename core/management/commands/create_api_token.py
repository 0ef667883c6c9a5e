from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import Centre
from core.services import create_api_token
from core.tenancy import centre_scope


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="device", help="What the token is for, e.g. 'table 3 tablet'.")
        parser.add_argument("--centre", default="", help="The centre's short code (slug) the device works for; "
                            "needed when the installation has more than one centre.")

    def handle(self, *args, username, name, centre, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user {username!r}.") from exc
        centres = Centre.objects.filter(is_active=True)
        if centre:
            centres = centres.filter(slug=centre)
        found = list(centres.order_by("pk")[:2])
        if len(found) != 1:
            codes = ", ".join(Centre.objects.filter(is_active=True).values_list("slug", flat=True))
            raise CommandError(f"Name the centre with --centre (one of: {codes})." if len(found) > 1 or not centre
                               else f"No active centre {centre!r} (one of: {codes}).")
        with centre_scope(found[0]):
            _token, key = create_api_token(user, name)
        self.stdout.write(key)
