"""Read queries of core, used by views, the API and other apps."""

from .models import AuditLog, Location


def active_locations():
    return Location.objects.filter(is_active=True).order_by("name")


def audit_entries_for(obj):
    from django.contrib.contenttypes.models import ContentType

    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("user")
