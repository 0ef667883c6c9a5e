"""Remembers the current request so the audit log knows who did what from where."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("kypseli_current_request", default=None)


def current_request():
    return _current_request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


class GreekFirstLocaleMiddleware:
    """Greek unless the person chose otherwise.

    Pages ignore the browser's Accept-Language (a volunteer's phone set to English still gets the
    centre's Greek screens); the language comes from the switch in the header (a cookie), else the
    signed-in user's preferred language, else Greek. The API (/api/) also honours Accept-Language,
    since devices state what they want there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported and request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        if language not in supported:
            user = getattr(request, "user", None)
            language = getattr(user, "language", None) if user is not None and user.is_authenticated else None
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
