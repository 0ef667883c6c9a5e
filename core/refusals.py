"""One refusal, shown one way.

A business rule that refuses an action raises `Refusal` (or an app's subclass: `DistributionError`,
`EventError`, `InsufficientStock`, `SubmittedReportError`, …) with a stable machine `code` and a
translated `message` for the person. Nothing was written: the service raises before it writes, or
inside the transaction that the refusal rolls back.

- Pages show it with `show_refusal(request, exc, form=…)`: on the form (its field, or above the form)
  when the page re-renders the form, else as a message on the next page.
- The API turns it into a problem document (core/problems.py) by one exception handler
  (core.api_base), with `code`, `message` and the status the refusal carries (409 by default: the
  request conflicts with the state; 422 when it was understood but cannot be carried out; 404 when
  what it names does not exist).

`Refusal` is a `django.core.exceptions.ValidationError`, so forms and `except ValidationError` take it
as the validation errors services already raise; `str(refusal)` is its message.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    """A business rule refused the action. `code`: stable, machine-readable (clients switch on it);
    `message`: translated, for the person; `status`: the API's HTTP status; `field`: the form field it
    is about, when there is one."""

    code = "refused"
    status = 409

    def __init__(self, message, *, code=None, status=None, field=None, params=None):
        super().__init__(message, code=code or type(self).code, params=params)
        if status is not None:
            self.status = status
        self.field = field

    def __str__(self):
        return refusal_text(self)

    @property
    def text(self) -> str:
        return refusal_text(self)


def refusal_text(exc: ValidationError) -> str:
    """The person's text of a refusal or of any validation error: its messages, in one line."""
    return " ".join(str(message) for message in exc.messages)


def show_refusal(request, exc: ValidationError, *, form=None, field=None) -> None:
    """Show a refusal on the page: on `form` (at `field`, the refusal's own field, or above the form;
    a dictionary of field errors goes to its fields) when the page renders the form again, otherwise as
    a message on the next page."""
    if form is None:
        for text in exc.messages:
            messages.error(request, text)
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    field = field or getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.messages)
