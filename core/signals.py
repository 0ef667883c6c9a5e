from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit
from .models import AuditLog


@receiver(user_logged_in, dispatch_uid="core.audit_login")
def _audit_login(sender, request, user, **kwargs):
    audit(AuditLog.Action.LOGIN, user, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="core.audit_logout")
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditLog.Action.LOGOUT, user, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="core.audit_login_failed")
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    audit(AuditLog.Action.LOGIN_FAILED, None, request=request,
          object_repr=str(credentials.get("username", "")))
