from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import ModelIdsField
from core.models import Location
from core.once import OnceFormMixin

from .models import (
    TARGET_BETWEEN,
    Absence,
    Availability,
    Certificate,
    Language,
    Role,
    ShiftTemplate,
    SignupMode,
    Skill,
    Volunteer,
    VolunteerLanguage,
)
from .services.roster import OWN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ApplicationForm(OnceFormMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(label=_("Languages you speak"), choices=Language.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    consent = forms.BooleanField(label=_("I have read the text above and agree."), required=True)
    # The honeypot: hidden from people (and from screen readers), filled in only by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    class Meta:
        model = Volunteer
        fields = ["first_name", "last_name", "email", "phone", "language", "birth_year", "address",
                  "emergency_name", "emergency_phone", "availability_notes", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 3})}
        labels = {"motivation": _("Why would you like to volunteer? (optional)"),
                  "availability_notes": _("When can you usually help?")}

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def _get_validation_exclusions(self):
        # Whether the address is already known is the service's business (roster.submit_application):
        # the public page must answer the same either way, so the form does not check it.
        return {*super()._get_validation_exclusions(), "email"}

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Give an e-mail address or a mobile phone, so that we can reach you."))
        return data


class VolunteerForm(forms.ModelForm):
    class Meta:
        model = Volunteer
        fields = ["first_name", "last_name", "email", "phone", "language", "birth_year", "address",
                  "emergency_name", "emergency_phone", "status", "availability_notes", "notes",
                  "max_hours_week", "max_hours_month", "preferred_locations", "preferred_roles", "works_well_with"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    preferred_roles = forms.MultipleChoiceField(label=_("prefers the roles"), choices=Role.choices, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    preferred_locations = ModelIdsField(label=_("prefers the sites"), queryset=Location.objects.none(),
                                        required=False, widget=forms.CheckboxSelectMultiple)
    works_well_with = ModelIdsField(label=_("likes to work with"), queryset=Volunteer.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_locations"].queryset = Location.objects.filter(is_active=True)
        partners = Volunteer.objects.filter(status__in=(Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED))
        if self.instance.pk:
            partners = partners.exclude(pk=self.instance.pk)
        self.fields["works_well_with"].queryset = partners
        self.fields["works_well_with"].help_text = _("The planner puts them on the same shifts when it is fair.")

    def _get_validation_exclusions(self):
        # The centre is not on the form (it is the current one), but an address is unique within it.
        exclude = super()._get_validation_exclusions()
        exclude.discard("centre")
        return exclude

    def save_m2m_later(self):
        """The two lists of the form that are relations (saved after the volunteer, by the service)."""
        return {"locations": list(self.cleaned_data.get("preferred_locations") or []),
                "partners": list(self.cleaned_data.get("works_well_with") or [])}


class MyDetailsForm(forms.ModelForm):
    """What a volunteer may change about themselves (name, status and the coordinator's notes stay
    the coordinator's)."""

    class Meta:
        model = Volunteer
        fields = OWN_FIELDS  # the service writes these and nothing else
        labels = {"availability_notes": _("When can you usually help?")}

    def _get_validation_exclusions(self):
        # A new address is checked when its owner confirms it (services.contacts.confirm_change), so
        # this form does not tell a volunteer whether an address belongs to someone else.
        return {*super()._get_validation_exclusions(), "email"}


LanguageFormSet = inlineformset_factory(Volunteer, VolunteerLanguage, fields=["language", "level"], extra=2,
                                        can_delete=True)
CertificateFormSet = inlineformset_factory(Volunteer, Certificate, fields=["skill", "expires_on"], extra=1,
                                           can_delete=True, widgets={"expires_on": DATE})
AbsenceFormSet = inlineformset_factory(Volunteer, Absence, fields=["starts_on", "ends_on", "note"], extra=1,
                                       can_delete=True, widgets={"starts_on": DATE, "ends_on": DATE})
AvailabilityFormSet = inlineformset_factory(Volunteer, Availability, fields=["weekday", "start_time", "end_time"],
                                            extra=2, can_delete=True,
                                            widgets={"start_time": TIME, "end_time": TIME})


class ShiftDetailsForm(forms.Form):
    location = forms.ModelChoiceField(label=_("location"), queryset=Location.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    start_time = forms.TimeField(label=_("from"), widget=TIME)
    end_time = forms.TimeField(label=_("until"), widget=TIME)
    min_people = forms.IntegerField(label=_("minimum people"), min_value=0, max_value=200, initial=1)
    max_people = forms.IntegerField(label=_("maximum people"), min_value=1, max_value=200, initial=2)
    target_people = forms.IntegerField(
        label=_("people wanted"), min_value=0, max_value=200, required=False,
        help_text=_("What the work asks for, between the minimum and the maximum; the planner fills up to it. "
                    "Empty: the minimum."))
    signup_mode = forms.ChoiceField(label=_("sign-up"), choices=SignupMode.choices)
    languages_needed = forms.MultipleChoiceField(
        label=_("languages needed"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one person on the shift speaks each of them."))
    skills_needed = ModelIdsField(
        label=_("skills needed"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one person on the shift holds each of them."))
    skills_everyone = ModelIdsField(
        label=_("skills everyone needs"), queryset=Skill.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone on the shift holds each of them, valid on the day (e.g. a criminal-record "
                    "certificate for work with children)."))
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The shift must end after it starts."))
        if data.get("max_people") is not None and data.get("min_people") is not None \
                and data["max_people"] < data["min_people"]:
            self.add_error("max_people", _("The maximum must be at least 1 and not below the minimum."))
        target = data.get("target_people")
        if target is not None and data.get("min_people") is not None and data.get("max_people") is not None \
                and not data["min_people"] <= target <= data["max_people"]:
            self.add_error("target_people", TARGET_BETWEEN)
        return data

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["skills"] = list(data.pop("skills_needed"))
        data["skills_everyone"] = list(data.pop("skills_everyone", None) or [])
        return data


class ShiftForm(ShiftDetailsForm):
    REPEAT_CHOICES = [("", _("Does not repeat")), ("weekly", _("Every week on this day"))]
    day = forms.DateField(label=_("date"), widget=DATE)
    repeat = forms.ChoiceField(label=_("repeat"), choices=REPEAT_CHOICES, required=False)
    until = forms.DateField(label=_("repeat until"), widget=DATE, required=False)

    field_order = ["location", "day", "start_time", "end_time", "repeat", "until", "role"]

    def clean(self):
        data = super().clean()
        if data.get("repeat") == "weekly":
            if not data.get("until"):
                self.add_error("until", _("Give the last date of the series."))
            elif data.get("day") and data["until"] < data["day"]:
                self.add_error("until", _("The last date must not be before the first."))
        return data


class ShiftEditForm(ShiftForm):
    SCOPE_CHOICES = [("one", _("Only this shift")), ("following", _("This and the following shifts of the series"))]
    scope = forms.ChoiceField(label=_("apply to"), choices=SCOPE_CHOICES, initial="one", widget=forms.RadioSelect)

    def __init__(self, *args, series=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["repeat"], self.fields["until"]
        if not series:
            del self.fields["scope"]


class CancelForm(forms.Form):
    scope = forms.ChoiceField(label=_("cancel"), choices=ShiftEditForm.SCOPE_CHOICES, initial="one",
                              widget=forms.RadioSelect)


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("template"), queryset=ShiftTemplate.objects.all())
    location = forms.ModelChoiceField(label=_("location"), queryset=Location.objects.filter(is_active=True))
    day = forms.DateField(label=_("date"), widget=DATE)


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ShiftTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def _get_validation_exclusions(self):
        # The centre is not on the form (it is the current one), but a name is unique within it.
        exclude = super()._get_validation_exclusions()
        exclude.discard("centre")
        return exclude


class MessageForm(forms.Form):
    text = forms.CharField(label=_("message"), max_length=600, widget=forms.Textarea(attrs={"rows": 3}))


class HoursForm(forms.Form):
    hours = forms.DecimalField(label=_("hours"), min_value=0, max_value=24, decimal_places=2)


class SignInLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("from"), required=False, widget=DATE)
    until = forms.DateField(label=_("until"), required=False, widget=DATE)


class TemplateLineForm(forms.ModelForm):
    languages_needed = forms.MultipleChoiceField(label=_("languages needed"), choices=Language.choices,
                                                 required=False)

    class Meta:
        from .models import ShiftTemplateLine

        model = ShiftTemplateLine
        fields = ["start_time", "end_time", "role", "min_people", "max_people", "signup_mode", "languages_needed",
                  "skills_needed", "description"]
        widgets = {"start_time": TIME, "end_time": TIME, "description": forms.TextInput()}
        field_classes = {"skills_needed": ModelIdsField}


def template_line_formset():
    from .models import ShiftTemplateLine

    return inlineformset_factory(ShiftTemplate, ShiftTemplateLine, form=TemplateLineForm, extra=3, can_delete=True)


class NotificationForm(forms.Form):
    """How the coordinator is told of a volunteer's "no", and whether she wants the morning summary."""

    notify_by = forms.ChoiceField(label=_("When a volunteer declines or gives a place back, tell me"),
                                  widget=forms.RadioSelect)
    daily_digest = forms.BooleanField(
        label=_("Also send me a morning e-mail: the places given back since the last one and the shifts of the "
                "next 7 days still short of people (only when there is something to tell)"), required=False)
    phone = forms.CharField(label=_("mobile phone (for SMS)"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        from core.models import User

        super().__init__(*args, **kwargs)
        self.fields["notify_by"].choices = User.NotifyBy.choices
