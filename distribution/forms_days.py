"""Forms for planning distribution days."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.models import Location
from inventory.models import Item

from .models import BasketRule, DistributionDay, Programme


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
            known = {name.casefold(): name for name in day.station_choices}
            if station.casefold() in known:
                station = known[station.casefold()]
            elif not self.may_name_station:
                self.add_error("station", _("Choose one of the day's tables: %(tables)s.")
                               % {"tables": ", ".join(day.station_choices)})
            cleaned["station"] = station
        return cleaned


def day_label(day) -> str:
    return (f"{day.date:%d/%m/%Y} {day.starts_at:%H:%M}–{day.ends_at:%H:%M} · {day.location.name} · "
            f"{day.programme.name}")
