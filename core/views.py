from django.apps import apps
from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import PasswordChangeView
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .filters import AuditLogFilter, LocationFilter, UserFilter
from .forms import ApiTokenForm, CentreForm, LocationForm, UserForm
from .models import ApiToken, AuditLog, Centre, Location, User
from .roles import SIGNED_IN, public, role_of, role_required
from .signin.policy import recent_authentication_required
from .tables import ApiTokenTable, AuditLogTable, LocationTable, UserTable
from .views_base import FilteredTableView


@public
def home(request):
    """The public front page, or the signed-in user's own home page for their role."""
    if not request.user.is_authenticated:
        return render(request, "core/public_home.html")
    role = role_of(request.user)
    panels = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_panels", None)
        if provider is not None:
            panels.extend(provider(request, role))
    return render(request, "core/home.html", {"role": role, "panels": panels})


@public
def health(request):
    """For the reverse proxy and monitoring: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class LocationListView(FilteredTableView):
    model = Location
    table_class = LocationTable
    filterset_class = LocationFilter
    access = "core.manage_locations"
    template_name = "core/locations.html"

    @property
    def title(self):
        return _("Locations")


@role_required("core.manage_locations")
def location_edit(request, pk=None):
    location = get_object_or_404(Location, pk=pk) if pk else Location()
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        services.save_location(form.save(commit=False), by=request.user)
        messages.success(request, _("The location was saved."))
        return redirect("core:locations")
    return render(request, "core/form.html", {
        "form": form, "title": _("Edit location") if pk else _("New location"),
        "back_url": "core:locations",
    })


class AuditLogView(FilteredTableView):
    model = AuditLog
    table_class = AuditLogTable
    filterset_class = AuditLogFilter
    access = "core.administer"

    def get_queryset(self):
        """The current centre's entries; a superuser's: the installation's (with their centre)."""
        if self.request.user.is_superuser:
            return AuditLog.every_centre.select_related("content_type", "centre")
        return AuditLog.objects.select_related("content_type")

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not self.request.user.is_superuser:
            kwargs["exclude"] = ("centre",)
        return kwargs

    @property
    def title(self):
        return _("Audit log")


@role_required("core.administer")
def centre_edit(request):
    centre = Centre.current()
    form = CentreForm(request.POST or None, request.FILES or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        services.save_centre(form.save(commit=False), by=request.user)
        messages.success(request, _("The centre's details were saved."))
        return redirect("core:centre")
    return render(request, "core/form.html", {"form": form, "title": _("Centre details"), "multipart": True})


@role_required("core.administer")
@recent_authentication_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.create_api_token(
            form.cleaned_data["user"], form.cleaned_data["name"], created_by=request.user
        )
        form = ApiTokenForm()
    table = ApiTokenTable(ApiToken.objects.select_related("user"), request=request)
    return render(request, "core/api_tokens.html", {"form": form, "table": table, "new_key": new_key})


@require_POST
@role_required("core.administer")
def api_token_revoke(request, pk):
    services.revoke_api_token(get_object_or_404(ApiToken, pk=pk), by=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("core:api_tokens")


def centre_accounts(viewer):
    """The accounts a centre's coordinator manages: the people of this centre, and the accounts that belong
    to no centre yet (to be given a role). Another centre's people are not hers to see or change, nor is a
    superuser's account unless she is one."""
    from django.db.models import Q

    from .tenancy import current_centre_id

    accounts = User.objects.filter(Q(memberships__centre_id=current_centre_id()) | Q(memberships__isnull=True))
    if not viewer.is_superuser:
        accounts = accounts.exclude(is_superuser=True)
    return accounts.distinct()


class UserListView(FilteredTableView):
    model = User
    table_class = UserTable
    filterset_class = UserFilter
    access = "core.administer"
    template_name = "core/users.html"

    def get_queryset(self):
        return centre_accounts(self.request.user).order_by("username")

    @property
    def title(self):
        return _("Users")


@require_POST
@role_required("core.administer")
def user_invite(request, pk):
    from .accounts import send_invitation

    account = get_object_or_404(centre_accounts(request.user), pk=pk)
    if account.has_usable_password():
        messages.error(request, _("This person has already chosen a password; they can use “Forgotten your "
                                  "password?”."))
    elif send_invitation(account, by=request.user):
        messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": account.email})
    else:
        messages.error(request, _("No invitation was sent: the account needs an e-mail address and must be active."))
    return redirect("core:user_edit", pk)


@role_required("core.administer")
@recent_authentication_required
def user_edit(request, pk=None):
    account = get_object_or_404(centre_accounts(request.user), pk=pk) if pk else User()
    form = UserForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        creating = account.pk is None
        account = services.save_user(form.save(commit=False), role=form.cleaned_data["role"], by=request.user)
        if not creating:
            messages.success(request, _("The account was saved."))
        elif account.email:
            messages.success(request, _("The account was saved. An invitation to choose a password was sent to "
                                        "%(email)s (the link works once, for a few hours).") % {"email": account.email})
        else:
            messages.warning(request, _("The account was saved without an e-mail address: no invitation could be "
                                        "sent. Add an address and send the invitation."))
        return redirect("core:users")
    invite_url = (reverse("core:user_invite", args=[account.pk])
                  if account.pk and not account.has_usable_password() and account.email else None)
    return render(request, "core/form.html", {
        "form": form, "title": _("Edit user") if pk else _("New user"), "back_url": "core:users",
        "invite_url": invite_url,
    })


class PasswordChangeOrSetView(PasswordChangeView):
    """"Password" in the header: the usual form (old password, new twice), or, for someone who has
    never had a password (a volunteer who signs in by link), the form that only sets a new one."""

    access_policy = SIGNED_IN  # Django's view requires the sign-in

    def get_form_class(self):
        return PasswordChangeForm if self.request.user.has_usable_password() else SetPasswordForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.request.user.has_usable_password():
            context["title"] = _("Set a password")
            context["sets_password"] = True
        return context


@public
def favicon(request):
    """Browsers ask for /favicon.ico on every first visit, whatever the page names: send them to the
    static icon (its address is looked up per request: with hashed static names it needs the manifest)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
