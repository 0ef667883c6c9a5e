"""The person's own pages: the second step of signing in, enrolling and managing factors, confirming
who one is before a sensitive action, and signing out everywhere."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..roles import STAFF, role_required, signed_in
from . import services
from .forms import CodeForm, PasswordForm, TotpConfirmForm
from .policy import is_verified, recent_authentication_required, required_for, rules_for
from .sessions import trust_device

PENDING_TOTP = "kypseli_pending_totp"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return reverse("core:home")


# Staff and coordinators (and administrators) manage their own factors; volunteers have none.
_own_factors_page = role_required(STAFF)


def _must_verify_first(request) -> bool:
    """Someone with factors who has not confirmed this session may not change them."""
    user = request.user
    return services.has_factor(user) and not is_verified(user)


@_own_factors_page
def verify(request):
    """The second step: a code (app or recovery), or a passkey."""
    user = request.user
    if is_verified(user):
        return redirect(_next(request))
    if not services.has_factor(user):
        return redirect(f"{reverse('security:enrol')}?{urlencode({'next': _next(request)})}")
    days = rules_for(user, request).trusted_device_days
    form = CodeForm(request.POST or None, trust_days=days)
    if request.method == "POST" and form.is_valid():
        if services.throttled(user):
            services.factor_refused(request, "code")
            form.add_error("code", _("Too many wrong codes: wait a minute, then try again."))
        else:
            device = services.verify_code(request, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", _("This code is not right (or was already used). Try the code the app "
                                         "shows now."))
            else:
                response = redirect(_next(request))
                if services.kind_of(device) == "recovery_codes":
                    left = device.codes.count()
                    messages.warning(request, _("You used a recovery code; %(left)s are left. Create new ones "
                                                "under “Sign-in security” if few are left.") % {"left": left})
                if days and form.cleaned_data.get("trust"):
                    trust_device(response, user, device, days=days)
                return response
    has_passkey = any(f.kind == "passkey" for f in services.factors_of(user))
    return render(request, "core/signin/verify.html", {
        "form": form, "next": _next(request), "has_passkey": has_passkey,
        "title": _("Confirm your sign-in")})


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(encoding="unicode")
    return mark_safe(svg[svg.find("<svg"):])  # noqa: S308 - made here from the key, no user text


@_own_factors_page
def enrol(request):
    """Sign-in security: the person's factors, adding an authenticator app or a passkey, recovery codes."""
    user = request.user
    if _must_verify_first(request):
        return redirect(f"{reverse('security:verify')}?{urlencode({'next': request.path})}")
    pending = TOTPDevice.objects.filter(pk=request.session.get(PENDING_TOTP), user=user, confirmed=False).first()
    confirm_form = TotpConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            pending = services.start_totp(user)
            request.session[PENDING_TOTP] = pending.pk
            return redirect("security:enrol")
        if action == "confirm" and pending is not None and confirm_form.is_valid():
            if services.confirm_totp(request, pending, confirm_form.cleaned_data["code"]):
                request.session.pop(PENDING_TOTP, None)
                messages.success(request, _("The authenticator app was added."))
                if not any(f.kind == "recovery_codes" for f in services.factors_of(user)):
                    return _show_codes(request, services.new_recovery_codes(user, by=user))
                return redirect("security:enrol")
            confirm_form.add_error("code", _("This code is not right. Check the app's clock and type the code it "
                                             "shows now."))
    factors = services.factors_of(user)
    return render(request, "core/signin/setup.html", {
        "title": _("Sign-in security"), "factors": factors, "pending": pending, "confirm_form": confirm_form,
        "qr": _qr_svg(pending.config_url) if pending else "",
        "secret": _spaced_secret(pending) if pending else "",
        "has_factor": services.has_factor(user),
        "has_codes": any(f.kind == "recovery_codes" for f in factors),
        "required": required_for(user, request),
        "next": _next(request) if request.GET.get("next") else ""})


def _spaced_secret(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _show_codes(request, codes):
    return render(request, "core/signin/codes.html", {
        "title": _("Your recovery codes"), "codes": [services.shown(code) for code in codes]})


@require_POST
@_own_factors_page
@recent_authentication_required
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if _must_verify_first(request) or not services.has_factor(request.user):
        return redirect("security:enrol")
    return _show_codes(request, services.new_recovery_codes(request.user, by=request.user))


@require_POST
@_own_factors_page
@recent_authentication_required
def remove_factor(request):
    user = request.user
    kind, pk = request.POST.get("kind", ""), request.POST.get("device", "")
    pk = int(pk) if pk.isdigit() else None
    if _must_verify_first(request):
        return redirect("security:verify")
    factors = services.factors_of(user)
    factor = next((f for f in factors if f.kind == kind and f.device.pk == pk), None)
    if factor is None:
        raise Http404
    others = [f for f in factors if f.kind != "recovery_codes" and f is not factor]
    if kind != "recovery_codes" and not others and required_for(user, request):
        messages.error(request, _("Add another authenticator app or passkey first: your sign-in needs one."))
        return redirect("security:enrol")
    services.remove_factor(user, factor.device, by=user)
    messages.success(request, _("It was removed."))
    return redirect("security:enrol")


def _password_is_theirs(request, password) -> bool:
    """Through Django's authenticate(), so that django-axes counts a wrong password here as at the sign-in
    page (and locks it out the same way), and the audit log has the failed sign-in."""
    from django.contrib.auth import authenticate

    user = request.user
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


@signed_in
def reauthenticate(request):
    """Confirm who you are before a sensitive action: a second factor, or the password without one."""
    user = request.user
    with_factor = services.has_factor(user)
    form = (CodeForm if with_factor else PasswordForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if with_factor:
            if services.throttled(user):
                services.factor_refused(request, "code")
                form.add_error("code", _("Too many wrong codes: wait a minute, then try again."))
            elif services.verify_code(request, form.cleaned_data["code"]) is not None:
                services.reauthenticated(request, "code")
                return redirect(_next(request))
            else:
                form.add_error("code", _("This code is not right (or was already used)."))
        elif _password_is_theirs(request, form.cleaned_data["password"]):
            services.reauthenticated(request, "password")
            return redirect(_next(request))
        else:
            form.add_error("password", _("This is not your password."))
    has_passkey = with_factor and any(f.kind == "passkey" for f in services.factors_of(user))
    return render(request, "core/signin/reauth.html", {
        "form": form, "next": _next(request), "has_passkey": has_passkey, "title": _("Confirm it is you")})


@require_POST
@signed_in
def sign_out_everywhere(request):
    services.sign_out_everywhere(request)
    messages.success(request, _("You were signed out on every device, this one too."))
    return redirect("login")
