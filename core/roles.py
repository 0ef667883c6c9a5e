"""The three roles (Django groups) and what each may do.

Each app declares `role_permissions` on its AppConfig ({"coordinator": [...], "staff": [...],
"volunteer": [...]}); after every migrate the groups are given exactly those permissions, so a
new model's permissions reach the roles without anyone editing core.
"""

from functools import wraps

from django.apps import apps as global_apps
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

COORDINATOR = "coordinator"
STAFF = "staff"
VOLUNTEER = "volunteer"
ROLES = [COORDINATOR, STAFF, VOLUNTEER]
ROLE_LABELS = {COORDINATOR: _("Coordinator"), STAFF: _("Staff"), VOLUNTEER: _("Volunteer")}


def role_of(user) -> str:
    """The user's highest role ('' for the public). Cached on the user object per request."""
    if not getattr(user, "is_authenticated", False):
        return ""
    cached = getattr(user, "_kypseli_role", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in ROLES if r in names), "")
    if not role and user.is_superuser:
        role = COORDINATOR
    user._kypseli_role = role
    return role


def has_role(user, *roles) -> bool:
    """True when the user holds one of `roles`; the coordinator may do everything staff may."""
    role = role_of(user)
    if not role:
        return False
    if role == COORDINATOR and STAFF in roles:
        return True
    return role in roles


def role_required(*roles):
    """View decorator: signed in and holding one of the roles, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based view mixin: set `roles = (STAFF,)` and so on."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def sync_role_permissions(sender=None, apps=None, using="default", **kwargs):
    """post_migrate (also sent after `flush`): the groups exist and hold exactly their declared
    permissions, and each app's `ensure_reference_data(using)` has run."""
    last = [c for c in global_apps.get_app_configs() if c.models_module is not None][-1]
    if sender is not None and sender.name != last.name:
        return  # run once per migrate, after the last app's permissions have been created
    from django.contrib.auth.models import Group, Permission

    wanted: dict[str, set[str]] = {role: set() for role in ROLES}
    for config in global_apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            wanted[role].update(perms)
    for role, perms in wanted.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        objects = []
        for code in sorted(perms):
            app_label, codename = code.split(".", 1)
            perm = Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                objects.append(perm)
        group.permissions.set(objects)
    # Reference rows other apps need (e.g. standard skills) come back after a flush too.
    for config in global_apps.get_app_configs():
        ensure = getattr(config, "ensure_reference_data", None)
        if ensure is not None:
            ensure(using)
