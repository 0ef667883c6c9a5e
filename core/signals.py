from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .audit import audit
from .models import ApiToken, AuditLog, Membership


@receiver(user_logged_in, dispatch_uid="core.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit(AuditLog.Action.LOGIN, user, user=user, request=request)
    if request is not None and hasattr(request, "session"):
        from .signin.policy import mark_authenticated

        mark_authenticated(request)  # Django's login() has just given the session a new id


@receiver(user_logged_out, dispatch_uid="core.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditLog.Action.LOGOUT, user, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="core.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit(AuditLog.Action.LOGIN_FAILED, None, request=request,
          object_repr=str(credentials.get("username", "")))


def _audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes locked sign-in for a user name from an address (the coordinator sees it under
    Sign-in security → Failed and locked sign-ins)."""
    audit(AuditLog.Action.LOCKED_OUT, None, request=request, object_repr=str(username or ""))


def connect_axes_signals():
    from axes.signals import user_locked_out

    user_locked_out.connect(_audit_locked_out, dispatch_uid="core.audit_locked_out")


connect_axes_signals()


@receiver(post_save, sender=LogEntry, dispatch_uid="core.audit_admin_edits")
def _audit_admin_edit(sender, instance, created, **kwargs):
    """An edit saved in Django's admin: which fields it changed (the admin's own message lists their
    names, never their values), for the record it changed."""
    if not created or instance.content_type is None:
        return
    import json

    try:
        message = json.loads(instance.change_message or "[]")
    except ValueError:
        message = []
    fields = sorted({name for part in message if isinstance(part, dict)
                     for detail in part.values() if isinstance(detail, dict) for name in detail.get("fields", [])})
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION

    action = {ADDITION: AuditLog.Action.CREATE, CHANGE: AuditLog.Action.CHANGE,
              DELETION: AuditLog.Action.DELETE}.get(instance.action_flag, AuditLog.Action.CHANGE)
    model = instance.content_type.model_class()
    if model is not None:
        audit(action, model=model, object_id=instance.object_id, user=instance.user,
              changes={"admin": "saved", "fields": fields})


def _forget_tokens_after_commit(**_signal):
    """A device token's answer is kept a few seconds per process (core.services.user_for_token):
    a token revoked or a user deactivated or given another role here is refused at this process's
    next request once the change is committed."""
    from .services import forget_tokens

    forget_tokens()
    transaction.on_commit(forget_tokens)  # again: another thread may have read the row before the commit


for _model in (get_user_model(), ApiToken):
    post_save.connect(_forget_tokens_after_commit, sender=_model, dispatch_uid=f"core.forget_tokens_{_model.__name__}")
    post_delete.connect(_forget_tokens_after_commit, sender=_model,
                        dispatch_uid=f"core.forget_tokens_deleted_{_model.__name__}")
for _signal in (post_save, post_delete):  # a device's role is its user's at the token's centre
    _signal.connect(_forget_tokens_after_commit, sender=Membership, dispatch_uid=f"core.forget_tokens_{_signal}")
m2m_changed.connect(_forget_tokens_after_commit, sender=get_user_model().groups.through,
                    dispatch_uid="core.forget_tokens_groups")
