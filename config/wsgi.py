"""WSGI entry point: `gunicorn config.wsgi` in production."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver
from django.utils.translation import trans_real

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# With DEBUG off, refuse to serve on development defaults (console e-mail or SMS, a loopback
# SITE_URL): the same errors as `manage.py check --deploy` (core/checks.py).
from core.checks import refuse_unsafe_start  # noqa: E402 - needs the app registry loaded above

refuse_unsafe_start()

# Load now what Django would otherwise load on each process's first request: every app's URLs
# (with the API's schemas and the PDF libraries they import, most of a second of CPU) and the
# translation catalogues. gunicorn.conf.py preloads this module in the master process, so the
# workers it forks start warm and share these pages; a scan station's first card is not slow.
get_resolver().url_patterns  # noqa: B018 - the property imports the URLconf
for language, _name in settings.LANGUAGES:
    trans_real.translation(language)
connections.close_all()  # nothing above queries; never hand a connection to forked workers
