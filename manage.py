#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # In a checkout, manage.py is a developer's tool: development settings unless DEBUG=0 is set.
    # The web server's entry point (config/wsgi.py) has no such default: it is production-safe.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] in (["runserver"], ["run_worker"]):
        execute_from_command_line(sys.argv)  # each request and each task is scoped by itself
        return
    # A command run by hand works over every centre, explicitly (core.tenancy.EVERY_CENTRE), as it
    # did with one; a command that acts on one centre says which itself (create_api_token --centre).
    from core.tenancy import EVERY_CENTRE, scope

    with scope(centre=EVERY_CENTRE):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
