"""Shared set-up for benchmark modules: Django on a throw-away copy of the DATABASE_URL database."""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")


@contextlib.contextmanager
def throwaway_database():
    """Set Django up and yield a connection to a fresh, migrated test database (dropped after). The
    set-up runs in the first centre's scope (core.tenancy), as a person of that centre would."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    from core.tenancy import CentreRef, centre_scope

    try:
        with centre_scope(CentreRef(first=True)):
            yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
