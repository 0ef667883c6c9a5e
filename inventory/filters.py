import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.text import filter_by_search

from . import documents
from .models import Donation, Donor, Item, StockMovement, StockTake, Transfer


class SearchFilter(django_filters.CharFilter):
    """Greek/Latin, accent- and case-insensitive search on a search_text column."""

    def __init__(self, *args, search_field="search_text", **kwargs):
        self.search_field = search_field
        kwargs.setdefault("label", _("search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return filter_by_search(qs, value, field=self.search_field) if value else qs


class ItemFilter(django_filters.FilterSet):
    q = SearchFilter()
    category = django_filters.ChoiceFilter(label=_("category"), choices=Item.Category.choices)
    food_group = django_filters.ChoiceFilter(label=_("food group"), choices=Item.FoodGroup.choices)
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Item
        fields = ["q", "category", "food_group", "is_active"]


class StockFilter(django_filters.FilterSet):
    """Filters the per-item-and-location rows of selectors.stock_on_hand."""

    q = SearchFilter(search_field="item__search_text")
    location = django_filters.ModelChoiceFilter(label=_("location"), field_name="location_id",
                                                queryset=Location.objects.filter(is_active=True))
    category = django_filters.ChoiceFilter(label=_("category"), field_name="item__category",
                                           choices=Item.Category.choices)
    food_group = django_filters.ChoiceFilter(label=_("food group"), field_name="item__food_group",
                                             choices=Item.FoodGroup.choices)
    low = django_filters.BooleanFilter(label=_("only low stock"), method="filter_low",
                                       widget=forms.CheckboxInput)
    # Applied by the view before lots are summed (see StockListView.get_queryset).
    expiring_days = django_filters.NumberFilter(label=_("expiring within (days)"), method="filter_nothing",
                                                min_value=0, max_value=3650)
    in_stock = django_filters.BooleanFilter(label=_("only goods in stock"), method="filter_in_stock",
                                            widget=forms.CheckboxInput)

    def filter_low(self, qs, name, value):
        return qs.filter(threshold__isnull=False, quantity__lt=F("threshold")) if value else qs

    def filter_in_stock(self, qs, name, value):
        return qs.filter(quantity__gt=0) if value else qs

    def filter_nothing(self, qs, name, value):
        return qs


class MovementFilter(django_filters.FilterSet):
    reason = django_filters.ChoiceFilter(label=_("reason"), choices=StockMovement.Reason.choices)
    document = django_filters.ChoiceFilter(label=_("document"), field_name="document_type", choices=documents.choices)
    location = django_filters.ModelChoiceFilter(label=_("location"), queryset=Location.objects.all())
    since = django_filters.DateFilter(label=_("from"), field_name="at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("until"), field_name="at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = StockMovement
        fields = ["reason", "document", "location", "since", "until"]


class DonorFilter(django_filters.FilterSet):
    q = SearchFilter()
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Donor.Kind.choices)

    class Meta:
        model = Donor
        fields = ["q", "kind"]


class DonationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Donation.Status.choices)
    location = django_filters.ModelChoiceFilter(label=_("location"), queryset=Location.objects.all())
    donor = SearchFilter(label=_("donor"), search_field="donor__search_text")

    class Meta:
        model = Donation
        fields = ["status", "location", "donor"]


class TransferFilter(django_filters.FilterSet):
    from_location = django_filters.ModelChoiceFilter(label=_("from"), queryset=Location.objects.all())
    to_location = django_filters.ModelChoiceFilter(label=_("to"), queryset=Location.objects.all())

    class Meta:
        model = Transfer
        fields = ["from_location", "to_location"]


class StockTakeFilter(django_filters.FilterSet):
    location = django_filters.ModelChoiceFilter(label=_("location"), queryset=Location.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=StockTake.Status.choices)

    class Meta:
        model = StockTake
        fields = ["location", "status"]
