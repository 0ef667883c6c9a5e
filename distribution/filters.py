import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Card, Household
from .selectors.households import matching_household_ids


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, card number, AMKA or phone"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("status"), method="by_status", empty_label=Household.Status.ACTIVE.label,
        choices=[c for c in Household.Status.choices if c[0] != Household.Status.ACTIVE])

    class Meta:
        model = Household
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(pk__in=matching_household_ids(value))

    def by_status(self, queryset, name, value):
        return queryset  # applied in the view's queryset (the default is "active")


class CardFilter(django_filters.FilterSet):
    class Meta:
        model = Card
        fields = ["status"]
