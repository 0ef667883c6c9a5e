import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.text import filter_by_search

from .models import Language, Role, Shift, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("name, e-mail or phone"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Volunteer.Status.choices)
    language = django_filters.ChoiceFilter(label=_("speaks"), choices=Language.choices,
                                           field_name="languages__language", distinct=True)

    class Meta:
        model = Volunteer
        fields = ["q", "status", "language"]

    def search(self, queryset, name, value):
        return filter_by_search(queryset, value)


class ShiftFilter(django_filters.FilterSet):
    location = django_filters.ModelChoiceFilter(label=_("location"), queryset=Location.objects.all())
    role = django_filters.ChoiceFilter(label=_("role"), choices=Role.choices)
    since = django_filters.DateFilter(label=_("from"), field_name="starts_at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("until"), field_name="starts_at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Shift
        fields = ["location", "role", "since", "until"]


class HoursFilter(django_filters.FilterSet):
    """The period filters only the hours that are summed (see HoursView.get_queryset)."""

    q = django_filters.CharFilter(label=_("name"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Volunteer.Status.choices)
    since = django_filters.DateFilter(label=_("from"), method="period", widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("until"), method="period", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Volunteer
        fields = ["q", "status", "since", "until"]

    def search(self, queryset, name, value):
        return filter_by_search(queryset, value)

    def period(self, queryset, name, value):
        return queryset
