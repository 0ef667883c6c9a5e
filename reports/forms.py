from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.oversight import area_name
from distribution.selectors import reporting as distribution_reporting

MAX_DAYS = 5 * 366


class PeriodForm(forms.Form):
    """The period (and optionally programme and location) of a report. Read from the query string."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False,
                                       empty_label=_("All programmes"))
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, required=False,
                                      empty_label=_("All locations"))

    def __init__(self, data=None, *, with_programme=True, **kwargs):
        today = timezone.localdate()
        initial = {"start": date(today.year, 1, 1), "end": today}
        if data is not None:
            data = data.copy()
            for key, value in initial.items():
                if not data.get(key):
                    data[key] = value.isoformat()
        else:
            data = {key: value.isoformat() for key, value in initial.items()}
        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = distribution_reporting.programmes()
        self.fields["location"].queryset = Location.objects.order_by("name")
        if not with_programme:
            del self.fields["programme"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period must not be before its start."))
            if end - start > timedelta(days=MAX_DAYS):
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return cleaned

    def period(self) -> distribution_reporting.Period:
        data = self.cleaned_data
        programme = data.get("programme")
        location = data.get("location")
        return distribution_reporting.Period(data["start"], data["end"], programme.pk if programme else None,
                                             location.pk if location else None)

    def describe(self) -> str:
        data = self.cleaned_data
        parts = [_("Period %(start)s – %(end)s") % {"start": date_format(data["start"], "d/m/Y"),
                                                     "end": date_format(data["end"], "d/m/Y")}]
        if data.get("programme"):
            parts.append(str(data["programme"]))
        else:
            parts.append(str(_("All programmes")) if "programme" in self.fields else "")
        parts.append(str(data["location"]) if data.get("location") else str(_("All locations")))
        return " · ".join(p for p in parts if p)

    def query(self) -> str:
        """The query string of this period, for links (drill-down, exports)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key in self.fields:
            value = self.data.get(key)
            if value:
                query[key] = value
        return query.urlencode()


class SubmitForm(forms.Form):
    """Mark a report as submitted: the report's own query (period, programme, location) and a note."""

    period_query = forms.CharField(widget=forms.HiddenInput, max_length=500)
    note = forms.CharField(label=_("Note (e.g. the submission's reference)"), max_length=200, required=False)


class RegionPeriodForm(PeriodForm):
    """The period of a region's report, and the area (a region or a municipality the person oversees;
    the first unless chosen). No programme and no location: those are each centre's own."""

    def __init__(self, data=None, *, oversights, **kwargs):
        super().__init__(data, with_programme=False, **kwargs)
        del self.fields["location"]
        self.oversights = {str(oversight.pk): oversight for oversight in oversights}
        self.fields["area"] = forms.ChoiceField(label=_("Area overseen"), required=False, choices=[
            (key, area_name(oversight)) for key, oversight in self.oversights.items()])

    def clean_area(self):
        value = self.cleaned_data.get("area") or next(iter(self.oversights), "")
        if value not in self.oversights:
            raise forms.ValidationError(_("Choose one of the areas you oversee."))
        return value

    def oversight(self):
        return self.oversights[self.cleaned_data["area"]]

    def describe(self) -> str:
        data = self.cleaned_data
        return " · ".join([_("Period %(start)s – %(end)s") % {"start": date_format(data["start"], "d/m/Y"),
                                                               "end": date_format(data["end"], "d/m/Y")},
                           area_name(self.oversight())])
