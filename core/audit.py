"""The audit trail: one call per thing worth recording.

    from core.audit import audit
    audit(AuditLog.Action.VIEW, household)            # in a view: user and address come from the request
    audit(AuditLog.Action.CHANGE, card, changes={"status": ["printed", "revoked"]}, user=someone)
"""

from django.contrib.contenttypes.models import ContentType

from .middleware import current_request
from .models import AuditLog
from .net import client_ip
from .roles import role_of


def audit(action, obj=None, *, changes=None, user=None, request=None, object_repr=None):
    """Append one entry to the audit log and return it."""
    request = request or current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    entry = AuditLog(
        user=user,
        username=user.get_username() if user else "",
        role=role_of(user) if user else "",
        action=action,
        changes=changes or {},
        ip_address=client_ip(request),
        path=(request.get_full_path()[:300] if request is not None else ""),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj.__class__)
        entry.object_id = str(obj.pk)
        entry.object_repr = (object_repr or str(obj))[:200]
    elif object_repr:
        entry.object_repr = object_repr[:200]
    entry.save()
    return entry


def model_changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs (values as strings)."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in after
        if str(before.get(key, "")) != str(after.get(key, ""))
    }


def snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}
