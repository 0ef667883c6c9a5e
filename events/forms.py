from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.models import Location

from .models import Event, Question, Registration
from .services import EventError
from .services.planning import validate_event

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title_el", "title_en", "description_el", "description_en", "category", "audience", "min_age",
            "max_age", "location", "room", "starts_at", "ends_at", "capacity", "max_places_per_registration",
            "registration_opens_at", "registration_closes_at", "requires_approval",
        ]
        widgets = {
            "description_el": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET,
            "registration_opens_at": DATETIME_WIDGET, "registration_closes_at": DATETIME_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(is_active=True).exclude(kind=Location.Kind.STORE)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                validate_event(self.instance.__class__(**{
                    k: cleaned.get(k) for k in self.Meta.fields if k != "location"}))
            except EventError as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label_el = forms.CharField(label=_("question (Greek)"), max_length=200, required=False)
    label_en = forms.CharField(label=_("question (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind of answer"), choices=Question.Kind.choices, initial=Question.Kind.TEXT)
    required = forms.BooleanField(label=_("required"), required=False)


QuestionFormSet = formset_factory(QuestionForm, extra=2, can_delete=True)


def questions_from(formset) -> list[dict]:
    questions = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("label_el"):
            continue
        questions.append({k: data.get(k) for k in ("id", "label_el", "label_en", "kind", "required")})
    return questions


def question_initial(event) -> list[dict]:
    if event.pk is None:
        return []
    return [{"id": q.pk, "label_el": q.label_el, "label_en": q.label_en, "kind": q.kind, "required": q.required}
            for q in event.questions.all()]


class CancelEventForm(forms.Form):
    reason = forms.CharField(label=_("Reason, sent to everyone registered"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=1000)


class SessionsForm(forms.Form):
    starts = forms.CharField(
        label=_("Start of each new session"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, as 31/12/2026 17:00. Each session gets the same length, texts and places."))

    def clean_starts(self):
        from django.utils import timezone

        starts = []
        for line in self.cleaned_data["starts"].splitlines():
            line = line.strip()
            if not line:
                continue
            value = None
            for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
                try:
                    from datetime import datetime

                    value = timezone.make_aware(datetime.strptime(line, fmt))
                    break
                except ValueError:
                    continue
            if value is None:
                raise forms.ValidationError(_("“%(line)s” is not a date and time like 31/12/2026 17:00.")
                                            % {"line": line})
            starts.append(value)
        if not starts:
            raise forms.ValidationError(_("Give at least one date and time."))
        return starts


class RegistrationForm(forms.Form):
    """The public registration form; the event's own questions are added as fields."""

    name = forms.CharField(label=_("Full name"), max_length=150,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    places = forms.TypedChoiceField(label=_("Number of places (you included)"), coerce=int)
    # The honeypot: hidden from people (and from screen readers), filled in only by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    consent = forms.BooleanField(label=_("I agree that the Community Centre keeps these details to manage my "
                                         "registration and contact me about this event. They are deleted "
                                         "after the event's records are closed."))

    staff_mode = False

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["places"].choices = [(n, str(n)) for n in range(1, event.max_places_per_registration + 1)]
        self.fields["phone"].help_text = _("A phone number or an e-mail address is needed; both are better.")
        for question in event.questions.all():
            field = self._question_field(question)
            if not question.required:
                field.label = _("%(question)s (optional)") % {"question": field.label}
            self.fields[f"q_{question.pk}"] = field

    @staticmethod
    def _question_field(question: Question):
        label = question.label
        if question.kind == Question.Kind.NUMBER:
            return forms.IntegerField(label=label, required=question.required, min_value=0, max_value=1000)
        if question.kind == Question.Kind.YES_NO:
            return forms.TypedChoiceField(label=label, required=question.required, widget=forms.RadioSelect,
                                          choices=[("yes", _("Yes")), ("no", _("No"))])
        if question.kind == Question.Kind.LONG_TEXT:
            return forms.CharField(label=label, required=question.required, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
        return forms.CharField(label=label, required=question.required, max_length=300)

    def question_fields(self):
        return [self[name] for name in self.fields if name.startswith("q_")]

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and "email" not in self.errors:
            raise forms.ValidationError(_("Please give a phone number or an e-mail address, so that we can "
                                          "reach you."))
        return cleaned

    def answers(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items()
                if name.startswith("q_") and value not in (None, "")}


class StaffRegistrationForm(RegistrationForm):
    """Staff add someone who phoned or came in: no honeypot, consent is asked aloud and ticked."""

    household_ref = forms.CharField(label=_("Household (card or household number)"), max_length=40, required=False)
    staff_note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    language = forms.ChoiceField(label=_("Language of the messages"), choices=[("el", "Ελληνικά"),
                                                                               ("en", "English")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["consent"].label = _("The person agreed that we keep these details for this registration.")
        self.fields["consent"].required = False


class MessageForm(forms.Form):
    STATUS_CHOICES = [
        (Registration.Status.CONFIRMED, _("Confirmed")),
        (Registration.Status.PENDING, _("Awaiting approval")),
        (Registration.Status.WAITING, _("On the waiting list")),
    ]
    statuses = forms.MultipleChoiceField(label=_("Send to"), choices=STATUS_CHOICES,
                                         widget=forms.CheckboxSelectMultiple,
                                         initial=[Registration.Status.CONFIRMED, Registration.Status.PENDING])
    subject = forms.CharField(label=_("Subject"), max_length=150)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=1500)


class HouseholdLinkForm(forms.Form):
    household_ref = forms.CharField(label=_("Household (card or household number)"), max_length=40, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the person)"), required=False, max_length=500)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return cleaned
