"""Production must not start on development defaults.

With DEBUG off, these are errors of `manage.py check --deploy` and stop the web server from starting
(config/wsgi.py calls `refuse_unsafe_start`):
- kypseli.E001: e-mail would go to the console, a file, memory or nowhere (EMAIL_URL not set):
  sign-in links and people's addresses would end up in the logs and nobody would get a message;
- kypseli.E002: SMS likewise (SMS_BACKEND console, file or locmem), or an http gateway without an
  https:// SMS_GATEWAY_URL;
- kypseli.E003: SITE_URL left at its loopback default (or any loopback or non-https address): links
  in messages sent from cron jobs would point at the server itself.

With DEBUG off `check --deploy` also reports kypseli.E006 when PERSON_MATCH_KEY (core.matching: matching a
person across centres by a keyed hash of the AMKA) is missing, short, or the SECRET_KEY; the server still
starts (the region's figures then count such a person once per centre, and say so).

And, with DEBUG on or off, `check --deploy` reports kypseli.E004 when the Content-Security-Policy is
missing or loosened: its middleware left out, or script-src allowing inline script or eval, or the pages
allowed in frames (core/security.py).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

UNSAFE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
UNSAFE_SMS_BACKENDS = {"console", "file", "locmem", ""}


def _loopback(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host in {"", "localhost"} or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def production_errors() -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    if settings.EMAIL_BACKEND in UNSAFE_EMAIL_BACKENDS:
        errors.append(Error(
            f"E-mail goes to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} with DEBUG off: messages would not "
            "reach anyone and their links would be written to the logs.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.", id="kypseli.E001"))
    backend = getattr(settings, "SMS_BACKEND", "")
    if backend in UNSAFE_SMS_BACKENDS:
        errors.append(Error(
            f"SMS_BACKEND is {backend!r} with DEBUG off: text messages would not reach anyone and phone "
            "numbers and links would be written to the logs.",
            hint="Set SMS_BACKEND=http with SMS_GATEWAY_URL (https://) and SMS_GATEWAY_TOKEN.", id="kypseli.E002"))
    elif backend == "http" and not getattr(settings, "SMS_GATEWAY_URL", "").startswith("https://"):
        errors.append(Error("SMS_GATEWAY_URL must be an https:// address.", id="kypseli.E002"))
    site = urlsplit(getattr(settings, "SITE_URL", ""))
    if site.scheme != "https" or _loopback(site.hostname or ""):
        errors.append(Error(
            f"SITE_URL is {settings.SITE_URL!r} with DEBUG off: links in messages sent from scheduled jobs "
            "would point at this server itself.",
            hint="Set SITE_URL to the public address, e.g. https://kypseli.example.org.", id="kypseli.E003"))
    return errors


@register("kypseli", deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    return production_errors()


def content_policy_errors() -> list[Error]:
    problems = []
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        problems.append("csp.middleware.CSPMiddleware is not in MIDDLEWARE")
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
    scripts = directives.get("script-src") or directives.get("default-src") or []
    loose = sorted({"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts))
    if not scripts or loose:
        problems.append(f"script-src allows {', '.join(loose) or 'anything'}")
    if list(directives.get("frame-ancestors") or []) != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    return [Error(f"Content-Security-Policy: {problem}.", hint="See CONTENT_SECURITY_POLICY in config/settings.py.",
                  id="kypseli.E004") for problem in problems]


@register("kypseli", deploy=True)
def check_content_policy(app_configs=None, **kwargs):
    return content_policy_errors()


MINIMUM_MATCH_KEY_LENGTH = 32


def person_matching_errors() -> list[Error]:
    """kypseli.E006: the key that matches a person across centres (core.matching) is missing, short, or the
    SECRET_KEY: without it the region's ESF+ figures count a person once per centre."""
    if settings.DEBUG:
        return []
    key = getattr(settings, "PERSON_MATCH_KEY", "") or ""
    if not key:
        problem = "PERSON_MATCH_KEY is not set: people at two centres are not matched in the region's figures."
    elif len(key) < MINIMUM_MATCH_KEY_LENGTH:
        problem = f"PERSON_MATCH_KEY is shorter than {MINIMUM_MATCH_KEY_LENGTH} characters."
    elif key == settings.SECRET_KEY:
        problem = "PERSON_MATCH_KEY is the SECRET_KEY: give it a secret of its own."
    else:
        return []
    return [Error(problem, hint="Set PERSON_MATCH_KEY, e.g. $(openssl rand -hex 32), the same on every app server, "
                                "and keep it: changing it changes every match key.", id="kypseli.E006")]


@register("kypseli", deploy=True)
def check_person_matching(app_configs=None, **kwargs):
    return person_matching_errors()


def refuse_unsafe_start() -> None:
    """Called when the web server loads the app: with DEBUG off, stop on the errors above."""
    errors = production_errors()
    if errors:
        raise ImproperlyConfigured("Kypseli will not start with these settings:\n" + "\n".join(
            f"{error.id}: {error.msg} {error.hint or ''}" for error in errors))
