import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Card, Household
from .selectors import people_matching


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, card number, AMKA or phone"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Household.Status.choices, method="by_status",
                                         empty_label=_("Active"))

    class Meta:
        model = Household
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(pk__in=people_matching(value).values("household_id"))

    def by_status(self, queryset, name, value):
        return queryset  # applied in the view's queryset (the default is "active")


class CardFilter(django_filters.FilterSet):
    class Meta:
        model = Card
        fields = ["status"]
