"""Forms that act once, however often they are posted (a double click, a reload, a second tab).

Where the domain has its own uniqueness rule (one distribution day per date, site and programme), that
rule is the guard. Elsewhere a form carries a one-time token, made when the form is rendered
(`OnceFormMixin`), and the view runs its action inside `submit_once`:

    try:
        with submit_once(form, purpose="inventory.write_off", by=request.user) as submission:
            movement = services.write_off(...)
            submission.outcome_url = reverse(...)
    except AlreadySubmitted as done:
        return redirect(done.outcome_url or fallback)  # the first post's result; nothing done twice

The token is spent (a row with a unique token) in the same transaction as the action: if the action
fails, the token stays unspent and the corrected form can be sent; if two posts race, the database's
unique index lets one through and the other finds the token spent.

A token carries the time it was made ("<hex seconds>.<random>") and serves for `lifetime()`
(FORM_TOKEN_LIFETIME_HOURS, a week): a form older than that is refused as expired and shown again
with a fresh token. So a spent token is no longer needed once it is that old, and
`manage.py purge_form_tokens` (daily, from cron) forgets it without letting an old page act twice.
A token without a time (a hand-made post) is only held to being spent once.
"""

import secrets
import time
from contextlib import contextmanager
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FormSubmission

FIELD = "form_token"
ALREADY_DONE = _("This form had already been sent: it was not done a second time.")


EXPIRED = _("This form has expired: check it and send it again.")


def lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "FORM_TOKEN_LIFETIME_HOURS", 168))


def new_token() -> str:
    return f"{int(time.time()):x}.{secrets.token_urlsafe(24)}"


def issued_at(token: str) -> float | None:
    """When a token was made (seconds since the epoch), or None for a token without a time."""
    stamp, dot, _rest = token.partition(".")
    if not dot or not 0 < len(stamp) <= 12:
        return None
    try:
        return int(stamp, 16)
    except ValueError:
        return None


def is_expired(token: str) -> bool:
    made = issued_at(token)
    return made is not None and time.time() - made > lifetime().total_seconds()


def purge_spent_tokens() -> int:
    """Forget spent tokens older than a token's lifetime (a form that old is refused anyway)."""
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=timezone.now() - lifetime()).delete()
    return deleted


class AlreadySubmitted(Exception):
    def __init__(self, outcome_url: str = ""):
        super().__init__(outcome_url)
        self.outcome_url = outcome_url


class OnceFormMixin(forms.Form):
    """Adds a hidden one-time token; a form posted without one (a page older than the token, a forged
    post) is refused with a message and shown again with a fresh token."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[FIELD] = new_token()

    def clean_form_token(self):
        token = self.cleaned_data.get(FIELD, "")
        if not token or is_expired(token):
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = new_token()
            raise forms.ValidationError(EXPIRED)
        return token

    def add_error(self, field, error):
        # The token's error is about the whole form: show it at the top, not under a hidden field.
        super().add_error(None if field == FIELD else field, error)


class Submission:
    def __init__(self, row: FormSubmission):
        self.row = row
        self.outcome_url = ""


@contextmanager
def submit_once(form, *, purpose: str, by=None):
    """Run the block at most once for the form's token, in one transaction with spending the token."""
    token = form.cleaned_data[FIELD]
    user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(token=token, purpose=purpose, user=user)
        except IntegrityError:
            spent = FormSubmission.objects.filter(token=token).first()
            raise AlreadySubmitted(spent.outcome_url if spent else "") from None
        submission = Submission(row)
        yield submission
        if submission.outcome_url:
            row.outcome_url = submission.outcome_url[:300]
            row.save(update_fields=["outcome_url"])
