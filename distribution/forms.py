from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.uploads import IMPORT_MAX_BYTES, check_size
from inventory.models import Item

from .models import (
    HOUSEHOLD_CATEGORIES,
    PERSON_CATEGORIES,
    AuthorisedCollector,
    BasketRule,
    Card,
    Category,
    Declared,
    DistributionDay,
    Household,
    Person,
    Programme,
)
from .services.imports import DEFAULT_RETENTION_YEARS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CategoryFieldsMixin:
    """One yes / no / not declared choice per category, stored in the model's `categories` mapping."""

    category_codes: list = []

    def add_category_fields(self):
        current = self.instance.categories or {}
        for code in self.category_codes:
            self.fields[f"cat_{code}"] = forms.ChoiceField(
                label=Category(code).label, choices=Declared.choices, required=False,
                initial=current.get(code, ""),
            )

    def category_values(self):
        return {code: self.cleaned_data[f"cat_{code}"] for code in self.category_codes
                if self.cleaned_data.get(f"cat_{code}")}

    def category_bound_fields(self):
        return [self[f"cat_{code}"] for code in self.category_codes]


class HouseholdForm(CategoryFieldsMixin, forms.ModelForm):
    category_codes = [c.value for c in HOUSEHOLD_CATEGORIES]

    class Meta:
        model = Household
        fields = ["address", "area", "legal_basis", "consent_date", "consent_text_version", "retention_until",
                  "notes"]
        widgets = {"consent_date": DATE, "retention_until": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_category_fields()
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("retention_until", today.replace(year=today.year + DEFAULT_RETENTION_YEARS))
            self.initial.setdefault("consent_text_version", "2026-1")

    def clean(self):
        data = super().clean()
        self.instance.categories = self.category_values()
        return data


class PersonForm(CategoryFieldsMixin, forms.ModelForm):
    category_codes = [c.value for c in PERSON_CATEGORIES]

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "father_name", "birth_date", "sex", "nationality", "amka",
                  "other_id_kind", "other_id", "phone", "address", "relation", "is_reference", "joined_on"]
        widgets = {"birth_date": DATE, "joined_on": DATE}

    def __init__(self, *args, reference_form=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_category_fields()
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if reference_form:
            del self.fields["relation"]
            del self.fields["is_reference"]

    def clean(self):
        data = super().clean()
        self.instance.categories = self.category_values()
        return data


class DuplicateConfirmForm(forms.Form):
    allow_duplicates = forms.BooleanField(
        label=_("I have checked the possible duplicates: register anyway"), required=False)


class CollectorForm(forms.ModelForm):
    class Meta:
        model = AuthorisedCollector
        fields = ["name", "id_number", "relation"]


class EnrolmentForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("programme"), queryset=Programme.objects.filter(is_active=True))
    start = forms.DateField(label=_("from"), widget=DATE)
    end = forms.DateField(label=_("until"), widget=DATE)
    decision_reference = forms.CharField(label=_("decision"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data


class CentreUniqueMixin:
    """A form of a centre's model whose code is unique within the centre (a constraint with the centre):
    the centre is not on the form (it is the current one), but the form checks the constraint with it."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("centre")
        return exclude


class ProgrammeForm(CentreUniqueMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "once_per_distribution_day", "max_collections_per_month",
                  "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=[
        (c.value, c.label) for c in (Card.RevokeReason.LOST, Card.RevokeReason.STOLEN, Card.RevokeReason.DAMAGED,
                                     Card.RevokeReason.INELIGIBLE)])


class HandOverForm(forms.Form):
    to = forms.CharField(label=_("received by"), max_length=160)


class MemberLeftForm(forms.Form):
    left_on = forms.DateField(label=_("left the household on"), required=False, widget=DATE,
                              help_text=_("Empty: today."))


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("number of the household to merge into this one"), min_value=1)
    confirm = forms.BooleanField(label=_("I understand that the other household's members, cards and history "
                                         "move into this one"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("At most 10 MB."))

    def clean_file(self):
        return check_size(self.cleaned_data["file"], max_bytes=IMPORT_MAX_BYTES)


# --- Distribution days ---------------------------------------------------------------------------


class DayForm(forms.ModelForm):
    class Meta:
        model = DistributionDay
        fields = ["date", "location", "programme", "starts_at", "ends_at", "stations", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(is_active=True)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True)


class BasketRuleForm(forms.ModelForm):
    class Meta:
        model = BasketRule
        fields = ["item", "basis", "quantity", "min_size", "max_size", "min_age", "max_age"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(is_active=True).order_by("name_el")


BasketFormSet = inlineformset_factory(DistributionDay, BasketRule, form=BasketRuleForm, extra=3, can_delete=True)


class SlotsForm(forms.Form):
    minutes = forms.IntegerField(label=_("Length of each time slot (minutes)"), min_value=5, max_value=480,
                                 initial=30)


class CancelCollectionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("E.g. handed to the wrong household; goods not taken."))


class StationPickForm(forms.Form):
    """The day and one of its tables. Only a coordinator may name a table the day does not list
    (`may_name_station`): a typed name would make "Τραπεζι 1" a second station beside "Τραπέζι 1"."""

    day = forms.ModelChoiceField(label=_("Distribution day"), queryset=DistributionDay.objects.none(),
                                 empty_label=None)
    station = forms.CharField(label=_("Station (table)"), max_length=60)

    def __init__(self, *args, days=None, may_name_station=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_name_station = may_name_station
        self.fields["day"].queryset = days if days is not None else DistributionDay.objects.none()
        self.fields["day"].label_from_instance = day_label

    def clean(self):
        cleaned = super().clean()
        day, station = cleaned.get("day"), (cleaned.get("station") or "").strip()
        if day and station:
            if day.station_named(station):
                station = day.station_named(station)
            elif not self.may_name_station:
                self.add_error("station", _("Choose one of the day's tables: %(tables)s.")
                               % {"tables": ", ".join(day.station_choices)})
            cleaned["station"] = station
        return cleaned


def day_label(day) -> str:
    return (f"{day.date:%d/%m/%Y} {day.starts_at:%H:%M}–{day.ends_at:%H:%M} · {day.location.name} · "
            f"{day.programme.name}")
