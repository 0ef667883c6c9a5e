import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, AuditLog, Location, User


class LocationTable(tables.Table):
    name = tables.LinkColumn("core:location_edit", args=[tables.A("pk")])

    class Meta:
        model = Location
        fields = ["name", "kind", "address", "phone", "opening_hours", "is_active"]


class AuditLogTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("when"))
    centre = tables.Column(verbose_name=_("centre"), default="—")  # a superuser's list only
    content_type = tables.Column(verbose_name=_("record type"))
    changes = tables.JSONColumn(verbose_name=_("changes"), orderable=False)

    class Meta:
        model = AuditLog
        fields = ["at", "centre", "username", "role", "action", "content_type", "object_id", "object_repr", "changes",
                  "ip_address"]


class ApiTokenTable(tables.Table):
    revoke = tables.TemplateColumn(
        template_name="core/_token_revoke.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = ApiToken
        fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]


class UserTable(tables.Table):
    username = tables.LinkColumn("core:user_edit", args=[tables.A("pk")])
    role = tables.Column(verbose_name=_("role"), empty_values=(), orderable=False)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "is_active", "last_login"]

    def render_role(self, record):
        from .roles import ROLE_LABELS, role_of

        return ROLE_LABELS.get(role_of(record), "—")
