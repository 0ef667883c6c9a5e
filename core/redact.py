"""Keeping searches and private links out of the logs the project configures.

Searches over people (names, AMKA, phones) may travel in query strings, and private links carry
their secret in the path (an event registration's page, a sign-in link, a calendar feed). Django's
request and development-server logs and gunicorn's access log (gunicorn.conf.py) pass through
`mask`: the query string becomes "?…" and any path segment that looks like a secret (16 or more
URL-safe characters mixing capitals with small letters, or letters with digits) becomes "…", and so
does any run of ten or more digits (a phone number, an AMKA, typed into an address); ordinary slugs
("approve-hours") and record ids stay.
"""

import logging
import re

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

_QUERY = re.compile(r"\?[^\s\"']*")
_CHARS = r"[A-Za-z0-9_\-:.]"
_SECRET = re.compile(
    rf"(?<=/)(?:(?={_CHARS}*[A-Z])(?={_CHARS}*[a-z])|(?={_CHARS}*[A-Za-z])(?={_CHARS}*[0-9])){_CHARS}{{16,}}")


_DIGITS = re.compile(r"(?<![0-9])[0-9]{10,}(?![0-9])")


def mask(text: str) -> str:
    return _DIGITS.sub("…", _SECRET.sub("…", _QUERY.sub("?…", text)))


class MaskUrls(logging.Filter):
    """A logging filter: the record's message with query strings and secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


# --- Error reports --------------------------------------------------------------------------------
# Django's error reports (the e-mails to ADMINS, any handler built on its ExceptionReporter) hold the
# request's form fields and query, and the values of every local variable of every frame: in Kypseli
# those are people's names, AMKA and phones. With DEBUG off they show the names only.
_HIDDEN = "********"


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is None or settings.DEBUG:
            return super().get_post_parameters(request)
        return {key: _HIDDEN for key in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        if settings.DEBUG:
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, _HIDDEN) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not settings.DEBUG:
            for key, value in meta.items():
                if isinstance(value, str):
                    meta[key] = mask(value)
        return meta


class PersonalDataExceptionReporter(ExceptionReporter):
    def get_traceback_data(self):
        data = super().get_traceback_data()
        if settings.DEBUG:
            return data
        if self.request is not None:
            data["request_GET_items"] = [(key, _HIDDEN) for key in self.request.GET]
            data["request_FILES_items"] = [(key, _HIDDEN) for key in self.request.FILES]
            data["request_insecure_uri"] = mask(data.get("request_insecure_uri", ""))
            user = getattr(self.request, "user", None)
            data["user_str"] = f"user {user.pk}" if getattr(user, "is_authenticated", False) else "anonymous"
        if "exception_value" in data:
            data["exception_value"] = mask(data["exception_value"])
        return data
