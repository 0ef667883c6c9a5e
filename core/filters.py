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
    groups__name = django_filters.ChoiceFilter(label=_("role"), choices=[
        ("coordinator", _("Coordinator")), ("staff", _("Staff")), ("volunteer", _("Volunteer"))])

    class Meta:
        model = User
        fields = ["q", "groups__name", "is_active"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value)
                               | Q(last_name__icontains=value))
