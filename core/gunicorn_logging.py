"""gunicorn's logger with the request line, path, query string and referrer masked (core/redact.py),
so searches by name, AMKA or phone and private links never reach the access log."""

from gunicorn.glogging import Logger

from .redact import mask


class MaskedLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():  # the request line, path, referrer, headers and environ atoms
            if isinstance(value, str):
                atoms[key] = mask(value)
        atoms["q"] = "…" if atoms.get("q") else ""
        for key in ("{query_string}e",):
            if atoms.get(key):
                atoms[key] = "…"
        return atoms
