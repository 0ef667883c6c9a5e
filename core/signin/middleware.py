"""The second step of signing in, enforced on every page.

A signed-in account that must confirm its sign-in (core.signin.policy.required_for) and has not
done so in this session reaches only the second step itself (confirm with a code or a passkey, or
enrol a first factor), signing out, the language switch and static files; every other page sends it
there, and comes back after. The API refuses such a session (core.api.Session). A browser the person
chose to trust (when the coordinator allows it) is confirmed here without asking.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

OPEN_PREFIXES = ("/security/two-factor/", "/security/passkeys/", "/accounts/logout/", "/i18n/", "/static/",
                 "/favicon.ico", "/health/", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .policy import rules_for, second_factor_missing

        if not request.path.startswith(OPEN_PREFIXES) and second_factor_missing(request):
            from .services import has_factor, trusted_device_used
            from .sessions import trusted_device

            user = request.user
            device = trusted_device(request, user, days=rules_for(user, request).trusted_device_days)
            if device is not None:
                trusted_device_used(request, device)
                return self.get_response(request)
            target = "security:verify" if has_factor(user) else "security:enrol"
            back = request.get_full_path() if request.method == "GET" else ""
            return redirect(f"{reverse(target)}?{urlencode({'next': back})}" if back else reverse(target))
        return self.get_response(request)
