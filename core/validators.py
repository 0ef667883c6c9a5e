"""What a typed value must look like, declared once and used by forms, the API and the import alike.

Plausible dates, by what a date means (a model field names its kind in `validators=[...]`; forms,
`full_clean()` in the services, the API and the import all run them):

- `birth_date`: not in the future, not before 1900 (`birth_year` for a year alone);
- `activity_date`: events, shifts, distribution days and eligibility periods happen within a window
  around today (ACTIVITY_YEARS_BACK years back, ACTIVITY_YEARS_AHEAD ahead);
- `expiry_date`: lots and certificates do not expire before 2000;
- `consent_date`: consent is not given in the future;
- `retention_date`: a retention date is not in the past (the nightly job would anonymise at once).

Clean text (`install_text_hygiene`, from CoreConfig.ready): no text field of any form or model takes
NUL or another control character; tab and newline only in multi-line texts. The form fields
refuse them before anything else runs, and the models refuse them in `full_clean()` (which the API
and the import go through).
"""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_EXPIRY = date(2000, 1, 1)
ACTIVITY_YEARS_BACK = 10
ACTIVITY_YEARS_AHEAD = 5
# No form takes a date outside these years, whatever it means: beyond them Python's date arithmetic
# overflows (year 9999 + one day), and nothing the centre records lies there.
CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR = 1900, 2200


def _day(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _today() -> date:
    return timezone.localdate()


def _shown(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def birth_date(value):
    day = _day(value)
    if day is None:
        return
    if day > _today():
        raise ValidationError(_("A birth date cannot be in the future."), code="birth_in_future")
    if day < EARLIEST_BIRTH:
        raise ValidationError(_("A birth date before 1900 is not plausible."), code="birth_too_early")


def birth_year(value):
    if value is None or value == "":
        return
    if not EARLIEST_BIRTH.year <= value <= _today().year:
        raise ValidationError(_("Give a year of birth between 1900 and this year."), code="birth_year")


def activity_window() -> tuple[date, date]:
    today = _today()
    return (today.replace(year=today.year - ACTIVITY_YEARS_BACK, day=min(today.day, 28)),
            today.replace(year=today.year + ACTIVITY_YEARS_AHEAD, day=min(today.day, 28)))


def activity_date(value):
    day = _day(value)
    if day is None:
        return
    first, last = activity_window()
    if not first <= day <= last:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.") % {"first": _shown(first), "last": _shown(last)},
            code="activity_date")


def expiry_date(value):
    day = _day(value)
    if day is not None and day < EARLIEST_EXPIRY:
        raise ValidationError(_("An expiry date before 2000 is not plausible."), code="expiry_too_early")


def consent_date(value):
    day = _day(value)
    if day is not None and day > _today():
        raise ValidationError(_("Consent cannot be dated in the future."), code="consent_in_future")


def retention_date(value):
    day = _day(value)
    if day is not None and day < _today():
        raise ValidationError(
            _("The retention date cannot be in the past: the data would be anonymised tonight."),
            code="retention_in_past")


def calendar_range(value):
    """Any date a form takes: within CALENDAR_FIRST_YEAR..CALENDAR_LAST_YEAR."""
    day = _day(value)
    if day is not None and not CALENDAR_FIRST_YEAR <= day.year <= CALENDAR_LAST_YEAR:
        raise ValidationError(_("Give a date between %(first)s and %(last)s.") % {
            "first": CALENDAR_FIRST_YEAR, "last": CALENDAR_LAST_YEAR}, code="calendar_range")


# Clean text ------------------------------------------------------------------------------------

_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_MESSAGE = _("Remove the invisible control characters (such as NUL or ESC) from this text.")


def has_control_characters(value, *, multiline=False) -> bool:
    """NUL, ESC and the like anywhere in a text (tab and line breaks allowed when `multiline`),
    or in any text inside a list or dict (a JSON body)."""
    if isinstance(value, str):
        return bool((_CONTROL_MULTI_LINE if multiline else _CONTROL_SINGLE_LINE).search(value))
    if isinstance(value, dict):
        return any(has_control_characters(k, multiline=multiline) or has_control_characters(v, multiline=multiline)
                   for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_control_characters(v, multiline=multiline) for v in value)
    return False


@deconstructible
class CleanText:
    """Refuses NUL and control characters; `multiline` texts may hold tab and line breaks."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        if _CONTROL_MULTI_LINE.search(value):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        if not self.multiline and _CONTROL_SINGLE_LINE.search(value):
            raise ValidationError(_("Line breaks and tabs are not allowed here."), code="line_break")

    def __eq__(self, other):
        return isinstance(other, CleanText) and other.multiline == self.multiline


def install_text_hygiene():
    """Every text field refuses control characters: form fields (class-wide, so every form of the
    project and of the libraries it uses), and the text columns of the project's models."""
    from django.apps import apps

    forms.CharField.default_validators = [CleanText(multiline=True)]
    for field_class in (forms.DateField, forms.DateTimeField):
        field_class.default_validators = [calendar_range]
    project = {"core", "inventory", "distribution", "volunteers", "events", "reports"}
    for model in apps.get_models():
        if model._meta.app_label not in project and model._meta.label != "core.User":
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                validator = CleanText(multiline=True)
            elif isinstance(field, models.CharField):
                validator = CleanText(multiline=False)
            else:
                continue
            # Field.validators is computed once per field; adding to it keeps the migrations as they are.
            if validator not in field.validators:
                field.validators.append(validator)
