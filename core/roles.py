"""The three roles at a centre and the one table of who may do what.

A person's role is the one she holds at the current centre (core.Membership; core.tenancy says which
centre is current): a coordinator at one centre may be a volunteer at another, and has no role at a
centre she does not belong to. A superuser is a coordinator everywhere. The Django groups of the same
names are kept as a mirror (core.memberships): a person is in a group when she holds that role at
some centre; the admin shows them, the access table never reads them.

Each app declares on its AppConfig what its pages and API operations need, as named rules:

    access = {"inventory.view_stock": ((STAFF,), _("Reading the stock"))}

`access_table()` collects them (the coordinator may do everything staff may, so a rule that names
staff includes her). Pages say `@role_required("inventory.view_stock")` or
`RoleRequiredMixin.access = "inventory.view_stock"`; the API says `@api_access("inventory.view_stock")`
on the operation (a refusal is the API's 403 problem document, core.problems). The same rule for a
page and its API operation gives every role the same answer (tests/core/test_access.py).

The groups carry no Django model permissions: the memberships and this table are the one source, and
after every migrate the groups exist and hold no permissions (nothing else to keep in step).

The regional roles (REGION, MUNICIPALITY: core.Oversight) hold no role at any centre: they see the
aggregate reports of their centres and never a person. A rule of the table may name them
(`"reports.see_region": ((REGION, MUNICIPALITY), …)`); they are not implied by any centre role, and no
centre role is implied by them: a coordinator is refused the region's pages, a regional role every
centre's page.
"""

from functools import cache, wraps

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
REGION = "region"
MUNICIPALITY = "municipality"
REGIONAL_ROLES = [REGION, MUNICIPALITY]
REGIONAL_ROLE_LABELS = {REGION: _("Region (aggregates only)"), MUNICIPALITY: _("Municipality (aggregates only)")}


def role_of(user) -> str:
    """The user's role at the current centre ('' for the public, and outside any one centre's scope).
    Cached on the user object per request and centre."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from .tenancy import current_centre_id

    centre_id = current_centre_id(required=False)
    cached = getattr(user, "_kypseli_role", None)
    if cached is not None and cached[0] == centre_id:
        return cached[1]
    role = ""
    if centre_id is not None:
        memberships = getattr(user, "_kypseli_memberships", None)
        if memberships is not None:
            role = next((m.role for m in memberships if m.centre_id == centre_id), "")
        else:
            role = user.memberships.filter(centre_id=centre_id).values_list("role", flat=True).first() or ""
    if not role and user.is_superuser:
        role = COORDINATOR
    user._kypseli_role = (centre_id, role)
    return role


def forget_role(user) -> None:
    """After the user's memberships changed: her role is read again."""
    user._kypseli_role = None
    user._kypseli_memberships = None
    user._kypseli_oversight = None


def oversight_roles(user) -> frozenset[str]:
    """The regional roles the user holds (core.Oversight: REGION, MUNICIPALITY), whatever the current
    centre. Read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_kypseli_oversight", None)
    if cached is None:
        cached = frozenset(REGION if region else MUNICIPALITY
                           for region in user.oversights.values_list("region_id", flat=True))
        user._kypseli_oversight = cached
    return cached


def has_role(user, *roles) -> bool:
    """True when the user holds one of `roles`; the coordinator may do everything staff may."""
    role = role_of(user)
    if not role:
        return False
    if role == COORDINATOR and STAFF in roles:
        return True
    return role in roles


@cache
def access_table() -> dict[str, tuple[frozenset[str], str]]:
    """{rule: (roles, what it is)} from every app's `AppConfig.access`; staff implies the coordinator."""
    table = {}
    for config in global_apps.get_app_configs():
        for rule, (roles, label) in getattr(config, "access", {}).items():
            if not rule.startswith(f"{config.label}.") or rule in table:
                raise ValueError(f"access rule {rule!r} of {config.label}: name it '{config.label}.<what>', once")
            unknown = set(roles) - set(ROLES) - set(REGIONAL_ROLES)
            if unknown:
                raise ValueError(f"access rule {rule!r}: unknown roles {sorted(unknown)}")
            granted = frozenset(roles) | ({COORDINATOR} if STAFF in roles else frozenset())
            table[rule] = (granted, label)
    return table


def roles_for(rule: str) -> frozenset[str]:
    """The roles a rule grants (KeyError for a rule no app declares: a typo fails at once)."""
    return access_table()[rule][0]


def may(user, rule: str) -> bool:
    """Whether the user's role at the current centre is one the rule grants, or (a rule naming the
    regional roles) a regional role she holds."""
    roles = roles_for(rule)
    if role_of(user) in roles:
        return True
    return not roles.isdisjoint(REGIONAL_ROLES) and not roles.isdisjoint(oversight_roles(user))


def refusal_message(rule: str) -> str:
    """The 403 text for a rule, in the request's language: what it is and which roles may."""
    roles, label = access_table()[rule]
    labels = {**ROLE_LABELS, **REGIONAL_ROLE_LABELS}
    names = ", ".join(str(labels[role]) for role in ROLES + REGIONAL_ROLES if role in roles)
    return _("%(what)s: only for %(roles)s.") % {"what": label, "roles": names}


def _allowed(user, rules_or_roles) -> bool:
    if len(rules_or_roles) == 1 and "." in rules_or_roles[0]:
        return may(user, rules_or_roles[0])
    return has_role(user, *rules_or_roles)


def role_required(*rules_or_roles, login_url=None):
    """View decorator: signed in and allowed by the rule (`"inventory.view_stock"`) or holding one
    of the roles, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required(login_url=login_url)
        def wrapped(request, *args, **kwargs):
            if not _allowed(request.user, rules_or_roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = rules_or_roles[0] if len(rules_or_roles) == 1 and "." in rules_or_roles[0] else None
        wrapped.access_policy = tuple(rules_or_roles)
        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based view mixin: set `access = "inventory.view_stock"` (a rule), or `roles = (STAFF,)`."""

    access: str = ""
    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not _allowed(request.user, (self.access,) if self.access else self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- Who may open a page: every page declares it ---------------------------------------------------
# A page is one of: a rule or roles (role_required, RoleRequiredMixin); or PUBLIC (anyone, signed in or
# not); or SIGNED_IN (any account, whatever its role); or PRIVATE_LINK (anyone holding the secret the
# link carries in its path: a ticket's page, a sign-in link, a calendar feed). tests/core/test_access.py
# walks every URL of the URL configuration as each role and holds each answer to its page's policy; a
# page that declares none fails it.
PUBLIC = "public"
SIGNED_IN = "signed in"
PRIVATE_LINK = "private link"


def public(view):
    """Declares a page open to everyone (the public pages, sign-in, the health check)."""
    view.access_policy = PUBLIC
    return view


def private_link(view):
    """Declares a page opened by a private link: whoever has the secret in its path may, nobody else."""
    view.access_policy = PRIVATE_LINK
    return view


def signed_in(view):
    """Declares (and enforces) a page for any signed-in account, whatever its role."""
    wrapped = login_required(view)
    wrapped.access_policy = SIGNED_IN
    return wrapped


# Django's own pages, declared here by URL name (the project's pages declare on the view).
FRAMEWORK_PAGES = {
    "login": PUBLIC, "logout": PUBLIC, "password_reset_done": PUBLIC, "password_reset_complete": PUBLIC,
    "password_reset_confirm": PRIVATE_LINK, "password_change_done": SIGNED_IN, "set_language": PUBLIC,
}


def page_policy(view, url_name: str = ""):
    """PUBLIC, SIGNED_IN, PRIVATE_LINK, or the frozenset of roles a page admits; None when it declares
    nothing."""
    view_class = getattr(view, "view_class", None)
    declared = getattr(view, "access_policy", None) or getattr(view_class, "access_policy", None)
    if declared is None and view_class is not None and issubclass(view_class, RoleRequiredMixin):
        declared = (view_class.access,) if view_class.access else tuple(view_class.roles)
    if declared is None:
        declared = FRAMEWORK_PAGES.get(url_name) if (getattr(view, "__module__", "") or "").startswith(
            "django.") else None
    if declared is None or isinstance(declared, str):
        return declared
    if len(declared) == 1 and "." in declared[0]:
        return roles_for(declared[0])
    return frozenset(declared) | ({COORDINATOR} if STAFF in declared else frozenset())


def ensure_roles(sender=None, apps=None, using="default", **kwargs):
    """post_migrate (also sent after `flush`): the three groups exist, without Django model
    permissions (the access table decides), and each app's `ensure_reference_data(using)` has run."""
    last = [c for c in global_apps.get_app_configs() if c.models_module is not None][-1]
    if sender is not None and sender.name != last.name:
        return  # run once per migrate, after the last app's tables exist
    from django.contrib.auth.models import Group

    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.clear()
    # Reference rows other apps need (e.g. standard skills) come back after a flush too.
    for config in global_apps.get_app_configs():
        ensure = getattr(config, "ensure_reference_data", None)
        if ensure is not None:
            ensure(using)
