from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, AuditLog, Centre, Location, Membership, Municipality, Oversight, Region, User


class MembershipInline(admin.TabularInline):
    """A person's role at each centre (the groups above mirror them: core.memberships)."""

    model = Membership
    extra = 0


class OversightInline(admin.TabularInline):
    model = Oversight
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Kypseli", {"fields": ("phone", "language")}))
    inlines = [MembershipInline, OversightInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    """The current centre's locations (the admin works in the centre chosen in the header too)."""

    list_display = ["name", "kind", "address", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "municipality", "is_active"]


admin.site.register(Region)
admin.site.register(Municipality)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Readable, never editable; the installation's entries (superusers only), with their centre."""

    list_display = ["at", "centre", "username", "role", "action", "content_type", "object_repr"]
    list_filter = ["action", "role", "centre", "content_type"]
    search_fields = ["username", "object_repr"]

    def get_queryset(self, request):
        return AuditLog.every_centre.select_related("centre", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are created in the app or with manage.py create_api_token


def _factors_stay_out_of_the_admin():
    """Second factors are added, removed and reset only on Kypseli's own pages, which audit it (and
    never show a key again): the libraries' admin pages (a TOTP key's QR code) go."""
    from django.apps import apps

    for label in ("otp_totp", "django_otp_webauthn"):
        for model in apps.get_app_config(label).get_models():
            if admin.site.is_registered(model):
                admin.site.unregister(model)


_factors_stay_out_of_the_admin()
