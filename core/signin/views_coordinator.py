"""The coordinator's pages: the sign-in rules, each account's factors (and resetting lost ones), and
failed or locked sign-ins."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..confirm import ask, is_confirmed
from ..models import AuditLog, User
from ..roles import COORDINATOR, ROLE_LABELS, STAFF, role_required
from ..tenancy import current_centre, current_centre_id
from . import services
from .forms import PolicyForm
from .policy import current_policy, recent_authentication_required, required_for

FAILED_DAYS = 30


@role_required("core.manage_sign_in")
@recent_authentication_required
def security_settings(request):
    policy = current_policy(request)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.save_policy(form.save(commit=False), by=request.user)
        messages.success(request, _("The sign-in rules were saved. Whoever must now use a second factor is "
                                    "asked to add one at their next page."))
        return redirect("security:settings")
    accounts = []
    for account in _accounts_here(request.user).filter(is_active=True).order_by("username"):
        factors = services.factors_of(account)
        accounts.append({
            "account": account, "role": ROLE_LABELS.get(account.role, _("administrator")),
            "required": required_for(account),
            "apps": sum(f.kind == "totp" for f in factors), "passkeys": sum(f.kind == "passkey" for f in factors),
            "codes": next((f.remaining for f in factors if f.kind == "recovery_codes"), None),
            "any": bool(factors)})
    return render(request, "core/signin/settings.html", {
        "title": _("Sign-in security"), "form": form, "accounts": accounts, "centre": current_centre()})


def _people_here():
    """Every account with a role at the current centre."""
    return User.objects.filter(memberships__centre_id=current_centre_id())


def _attempts_here(by, attempts):
    """Sign-in locks (django-axes, by the name typed): a coordinator's are her centre's people's."""
    return attempts if by.is_superuser else attempts.filter(username__in=_people_here().values("username"))


def _accounts_here(by):
    """The accounts whose factors this centre's coordinator manages: its staff and coordinators (a
    superuser also sees the administrators). Another centre's people are not hers to reset."""
    here = Q(memberships__centre_id=current_centre_id(), memberships__role__in=[STAFF, COORDINATOR])
    if by.is_superuser:
        here |= Q(is_superuser=True)
    return User.objects.filter(here).distinct()


@role_required("core.manage_sign_in")
@recent_authentication_required
def reset_account(request, pk):
    """A person lost their phone or key: every factor of the account goes, and its sessions end."""
    account = get_object_or_404(_accounts_here(request.user), pk=pk)
    if not is_confirmed(request):
        return ask(request, title=_("Reset the second factors of %(name)s") % {
            "name": account.get_full_name() or account.get_username()},
            consequences=[_("Their authenticator apps, passkeys and recovery codes stop working and are removed."),
                          _("They are signed out everywhere."),
                          _("At their next sign-in (with their password) they add a new factor.")],
            warning=_("Do this only after you have made sure, in person or by phone, that the request is "
                      "theirs."),
            action=_("Reset the second factors"), back=reverse("security:settings"))
    removed = services.reset_factors(account, by=request.user)
    messages.success(request, _("The second factors were reset (%(count)s removed).") % {"count": removed})
    return redirect("security:settings")


@role_required("core.manage_sign_in")
def sign_ins(request):
    """Sign-ins locked now (django-axes) and the failed sign-ins of the last 30 days."""
    from axes.conf import settings as axes_settings
    from axes.models import AccessAttempt

    limit = axes_settings.AXES_FAILURE_LIMIT
    since = timezone.now() - timedelta(days=FAILED_DAYS)
    attempts = [{"attempt": a, "locked": a.failures_since_start >= limit}
                for a in _attempts_here(request.user, AccessAttempt.objects.order_by("-attempt_time"))[:200]]
    # Signing in happens outside any centre (entries without one): a coordinator sees those of her
    # centre's people, by the name typed or the account; a superuser every one (unknown names too).
    failed = AuditLog.every_centre.filter(at__gte=since, action__in=[
        AuditLog.Action.LOGIN_FAILED, AuditLog.Action.LOCKED_OUT, AuditLog.Action.FACTOR_FAILED])
    if not request.user.is_superuser:
        people = _people_here()
        failed = failed.filter(Q(user__in=people) | Q(user__isnull=True, object_repr__in=people.values("username")))
    failed = failed[:300]
    return render(request, "core/signin/sign_ins.html", {
        "title": _("Failed and locked sign-ins"), "attempts": attempts, "failed": failed, "days": FAILED_DAYS,
        "limit": limit})


@require_POST
@role_required("core.manage_sign_in")
def unlock(request):
    from axes.models import AccessAttempt

    pk = request.POST.get("attempt", "")
    attempts = _attempts_here(request.user, AccessAttempt.objects.all())
    services.unlock_sign_in(get_object_or_404(attempts, pk=int(pk) if pk.isdigit() else 0), by=request.user)
    messages.success(request, _("The sign-in was unlocked."))
    return redirect("security:sign_ins")
