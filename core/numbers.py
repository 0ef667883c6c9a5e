"""Numbers in messages as the page's language writes them: "0,001" on Greek pages, "0.001" in English.

Django's min/max validators put the limit into their message with str() ("0.001" everywhere); these
put it in with the active language's format (config/formats)."""

from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import formats


class _Localized:
    def __call__(self, value):
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            raise ValidationError(self.message, code=self.code,
                                  params={"limit_value": formats.number_format(limit), "value": value})


class MinValueValidator(_Localized, validators.MinValueValidator):
    pass


class MaxValueValidator(_Localized, validators.MaxValueValidator):
    pass


def limits(min_value=None, max_value=None) -> list:
    """Validators for a form field's limits (use instead of the field's own min_value/max_value)."""
    found = []
    if min_value is not None:
        found.append(MinValueValidator(min_value))
    if max_value is not None:
        found.append(MaxValueValidator(max_value))
    return found
