from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="device", help="What the token is for, e.g. 'table 3 tablet'.")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No active user {username!r}.") from exc
        _token, key = create_api_token(user, name)
        self.stdout.write(key)
