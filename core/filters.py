import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, Location, User


class AuditLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("username"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditLog.Action.choices)
    object_repr = django_filters.CharFilter(label=_("record"), lookup_expr="icontains")
    since = django_filters.DateFilter(label=_("from"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditLog
        fields = ["username", "action", "content_type", "object_repr", "since", "until"]


class LocationFilter(django_filters.FilterSet):
    class Meta:
        model = Location
        fields = ["kind", "is_active"]


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("name or username"), method="search")
    role = django_filters.ChoiceFilter(label=_("role"), method="with_role", choices=[
        ("coordinator", _("Coordinator")), ("staff", _("Staff")), ("volunteer", _("Volunteer"))])

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def with_role(self, queryset, name, value):
        """The role at the current centre."""
        from .tenancy import current_centre_id

        return queryset.filter(memberships__centre_id=current_centre_id(), memberships__role=value)

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value)
                               | Q(last_name__icontains=value))
