"""Who belongs to which centre, in which role (core.Membership), and the groups that mirror it.

`set_role(user, centre, role)` is the one write of a person's role at a centre. The Django groups of
the three roles follow any change of a membership (a person is in a group when she holds its role at
some centre), so the admin and older code that reads groups keep working. Code that still writes
the groups directly (adding a volunteer to the "volunteer" group) is translated into a membership at
the current centre (the installation's first centre outside one centre's scope) until it calls
set_role itself.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .audit import audit
from .models import AuditLog, Centre, Membership
from .roles import ROLES, forget_role

_mirroring: ContextVar[bool] = ContextVar("kypseli_mirroring_groups", default=False)


@transaction.atomic
def set_role(user, centre, role: str, *, by=None) -> str:
    """Give `user` exactly `role` at `centre` ('' removes her from it), audited; returns the role she
    had there."""
    if role and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    current = Membership.objects.filter(user=user, centre=centre).select_for_update().first()
    before = current.role if current else ""
    if role and current is None:
        current = Membership.objects.create(user=user, centre=centre, role=role)
        action = AuditLog.Action.CREATE
    elif role and current.role != role:
        current.role = role
        current.save(update_fields=["role"])
        action = AuditLog.Action.CHANGE
    elif not role and current is not None:
        current.delete()
        action = AuditLog.Action.DELETE
    else:
        return before
    audit(action, current, changes={"centre": str(centre), "role": [before, role]}, user=by)
    forget_role(user)
    return before


def members(*roles):
    """The active people who hold one of `roles` (any role when none is named) at the current centre:
    what code that read the role groups (`groups__name="staff"`) asks now. A query built when called."""
    from .tenancy import current_centre_id

    people = get_user_model().objects.filter(is_active=True, memberships__centre_id=current_centre_id())
    if roles:
        people = people.filter(memberships__role__in=roles)
    return people.distinct()


def mirror_groups(user) -> None:
    """The user's role groups become exactly the roles she holds at any centre."""
    from django.contrib.auth.models import Group

    held = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    token = _mirroring.set(True)
    try:
        groups = {group.name: group for group in Group.objects.filter(name__in=ROLES)}
        user.groups.remove(*[g for name, g in groups.items() if name not in held])
        user.groups.add(*[g for name, g in groups.items() if name in held])
    finally:
        _mirroring.reset(token)


def _legacy_centre():
    from .tenancy import current_centre_id, scopes_disabled

    centre_id = current_centre_id(required=False)
    if centre_id is None:
        with scopes_disabled():
            first = Centre.first()
        centre_id = first.pk if first else None
    return centre_id


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A direct write of a user's role groups: the same change at the current centre."""
    if _mirroring.get() or action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if action == "post_clear":  # the roles held at other centres come back
        for user in ([instance] if not reverse else []):
            mirror_groups(user)
        return
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    if reverse:  # group.user_set.add(users…)
        names = {instance.name} & set(ROLES)
        users = list(user_model.objects.filter(pk__in=pk_set or ()))
    else:
        names = set(Group.objects.filter(pk__in=pk_set, name__in=ROLES).values_list("name", flat=True)) \
            if pk_set is not None else set(ROLES)
        users = [instance]
    centre_id = _legacy_centre()
    if not names or centre_id is None:
        return
    for user in users:
        current = Membership.objects.filter(user=user, centre_id=centre_id).first()
        if action == "post_add":
            role = next(r for r in ROLES if r in names)
            if current is None:
                Membership.objects.create(user=user, centre_id=centre_id, role=role)
            elif current.role != role:
                current.role = role
                current.save(update_fields=["role"])
        elif current is not None and current.role in names:
            current.delete()
        forget_role(user)


def _membership_changed(sender, instance, **kwargs):
    """Whoever changed a membership (set_role, the admin): the groups follow."""
    if not kwargs.get("raw"):
        mirror_groups(instance.user)


post_save.connect(_membership_changed, sender=Membership, dispatch_uid="core.membership_mirror_saved")
post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="core.membership_mirror_deleted")
m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="core.groups_to_memberships")
