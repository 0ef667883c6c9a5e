import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.text import filter_by_search

from .models import Event, Registration


def _sites():
    return Location.objects.filter(is_active=True).exclude(kind=Location.Kind.STORE)


class PublicEventFilter(django_filters.FilterSet):
    """The public list's filters: category, site, from which date, audience."""

    category = django_filters.ChoiceFilter(label=_("Category"), choices=Event.Category.choices,
                                           empty_label=_("All categories"))
    location = django_filters.ModelChoiceFilter(label=_("Site"), queryset=_sites(), empty_label=_("All sites"))
    date = django_filters.DateFilter(label=_("From date"), field_name="starts_at", lookup_expr="date__gte",
                                     widget=forms.DateInput(attrs={"type": "date"}))
    audience = django_filters.ChoiceFilter(label=_("For whom"), choices=Event.Audience.choices,
                                           empty_label=_("Everyone"), method="filter_audience")

    class Meta:
        model = Event
        fields = ["category", "location", "date", "audience"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["location"].queryset = _sites()

    def filter_audience(self, queryset, name, value):
        # An event for everyone suits any audience asked for.
        return queryset.filter(audience__in=[value, Event.Audience.EVERYONE])


class StaffEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Event.Category.choices)
    location = django_filters.ModelChoiceFilter(label=_("Site"), queryset=_sites())
    since = django_filters.DateFilter(label=_("From date"), field_name="starts_at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Event
        fields = ["q", "status", "category", "location", "since"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["location"].queryset = _sites()

    def search(self, queryset, name, value):
        return filter_by_search(queryset, value)


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, phone or e-mail"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Registration.Status.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Registration.Source.choices)
    checked_in = django_filters.BooleanFilter(
        label=_("Checked in"), field_name="checkin", lookup_expr="isnull", exclude=True,
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = Registration
        fields = ["q", "status", "source", "checked_in"]

    def search(self, queryset, name, value):
        return filter_by_search(queryset, value)
