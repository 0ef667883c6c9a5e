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


class AdminAuditMiddleware:
    """Django's admin (superusers only) reaches Kypseli's audit log like every other page: each list
    or record it shows is a "viewed" entry, each form it posts a "created", "changed" or "deleted"
    entry (with the admin action and how many records it was applied to), whatever the model.
    Which fields an edit changed is added by core.signals from the admin's own LogEntry."""

    _SUFFIXES = {"changelist": "list", "change": "record", "add": "new", "delete": "delete", "history": "history"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._models = None

    def _model(self, url_name):
        if self._models is None:
            from django.apps import apps

            self._models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()}
        base, _sep, suffix = (url_name or "").rpartition("_")
        return self._models.get(base), suffix

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if (match is None or "admin" not in match.namespaces or user is None or not user.is_authenticated
                or response.status_code >= 400 or request.method not in ("GET", "POST")):
            return response
        model, suffix = self._model(match.url_name)
        if model is None or suffix not in self._SUFFIXES:
            return response
        from .audit import audit
        from .models import AuditLog

        changes = {"admin": self._SUFFIXES[suffix]}
        if request.method == "GET":
            action = AuditLog.Action.VIEW
        else:
            action = {"add": AuditLog.Action.CREATE, "delete": AuditLog.Action.DELETE}.get(
                suffix, AuditLog.Action.CHANGE)
            changes["saved"] = response.status_code in (301, 302, 303)
            if request.POST.get("action"):
                changes["admin_action"] = request.POST["action"][:60]
                changes["selected"] = len(request.POST.getlist("_selected_action"))
                if request.POST["action"] == "delete_selected":
                    action = AuditLog.Action.DELETE
        audit(action, model=model, object_id=match.kwargs.get("object_id"), changes=changes, request=request)
        return response


class NoStoreMiddleware:
    """Pages, exports and API answers for a signed-in user or a device (they show people's data)
    are never stored by the browser or a shared cache: `Cache-Control: private, no-store`, unless
    the view chose otherwise. Public pages keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or request.path.startswith("/api/")
        if personal and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response


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


def _rate_key(group, request) -> str:
    """Who a request counts against, known without the database: the token (its hash), else the
    session, else the client address."""
    import hashlib

    from django.conf import settings

    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return "t:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session:
        return "s:" + hashlib.sha256(session.encode()).hexdigest()[:32]
    return "a:" + request.META.get("REMOTE_ADDR", "")


class ApiMiddleware:
    """What every /api/ request shares before and after Django Ninja: the rate limit per token, the
    body's size, and the problem-details shape of every error (core/problems.py). The body's content
    type is checked where a body is read (core.api_base.JsonParser)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        refusal = self._refuse(request)
        response = refusal or self.get_response(request)
        if response.status_code >= 400:
            response = self._as_problem(response)
        return response

    @staticmethod
    def _refuse(request):
        from django.conf import settings
        from django_ratelimit.core import get_usage

        from .api_base import rate_limited
        from .problems import problem_response

        if settings.API_RATE_LIMIT:
            usage = get_usage(request, group="api", key=_rate_key, rate=settings.API_RATE_LIMIT, increment=True)
            if usage is not None and usage["should_limit"]:
                return rate_limited(usage["time_left"])
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(length)
        except ValueError:
            return problem_response(400)
        if length > settings.API_MAX_BODY_BYTES:
            return problem_response(413)
        # NUL, ESC and the like in the path or a query parameter: a clear 400 before any view (a NUL
        # would otherwise reach PostgreSQL, which refuses it in any text). Bodies: core.api_base. The
        # OpenAPI document says so (core.openapi.TEXT).
        from .validators import CONTROL_CHARACTERS_MESSAGE, has_control_characters

        if has_control_characters([request.path, dict(request.GET.lists())], multiline=True):
            return problem_response(400, code="control_characters", message=CONTROL_CHARACTERS_MESSAGE)
        return None

    @staticmethod
    def _as_problem(response):
        from .problems import is_problem, problem_response

        if is_problem(response):
            return response
        data = None
        if response.get("Content-Type", "").startswith("application/json") and not response.streaming:
            import json

            try:
                data = json.loads(response.content)
            except ValueError:
                data = None
        if isinstance(data, dict):
            # A JSON error written without the problem members: keep what it says, add them.
            extra = {key: value for key, value in data.items() if key not in ("message", "code", "detail")}
            problem = problem_response(response.status_code, code=data.get("code") or data.get("outcome"),
                                       message=data.get("message"), **extra)
        else:
            problem = problem_response(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language"):
            if header in response:
                problem[header] = response[header]
        return problem
