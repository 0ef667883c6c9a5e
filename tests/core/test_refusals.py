"""One refusal, shown one way: every app's refusals are `core.refusals.Refusal` (a stable code and a
translated message), pages show them with one helper, and the API answers them with one handler."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.refusals import Refusal, refusal_text, show_refusal
from core.services import create_api_token
from distribution.services import DistributionError
from distribution.services.cards import CardError
from distribution.services.households import DuplicatesFound
from distribution.services.imports import ImportFileError
from distribution.services.scans import ScanRequestError
from inventory.services import InsufficientStock
from reports.models import SubmittedReportError

APPS = ["core", "inventory", "distribution", "volunteers", "events", "reports"]
# Exceptions that are not refusals of a business rule: flow control or a transport failure.
NOT_REFUSALS = {
    "core/once.py:AlreadySubmitted": "the same form posted twice: the first post's result is shown, nothing refused",
    "core/messaging/gateways.py:SmsError": "the SMS gateway failed: a fault, logged and retried, not a rule",
    "core/api_base.py:UnsupportedMediaType": "a transport error, answered 415 by the API",
    "distribution/services/scans.py:_OutOfStock": "internal to the scan: turned into the scan's own answer",
}


def test_every_apps_refusals_are_one_kind():
    assert issubclass(Refusal, ValidationError)
    for refusal in [DistributionError, CardError, DuplicatesFound, ImportFileError, ScanRequestError,
                    InsufficientStock, SubmittedReportError]:
        assert issubclass(refusal, Refusal), refusal
    from events.services import EventError

    assert issubclass(EventError, Refusal)


def test_no_app_defines_an_exception_outside_the_one_refusal():
    """A new `class …Error(Exception)` in an app is either a Refusal or listed above with a reason."""
    found = []
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and any(
                        isinstance(base, ast.Name) and base.id == "Exception" for base in node.bases):
                    name = f"{path.relative_to(settings.BASE_DIR)}:{node.name}"
                    if name not in NOT_REFUSALS:
                        found.append(name)
    assert not found, f"exceptions that are not core.refusals.Refusal: {found}"


def test_a_refusal_reads_as_its_message_with_its_code():
    refusal = CardError("Η κάρτα έχει ήδη τυπωθεί.")
    assert str(refusal) == refusal_text(refusal) == "Η κάρτα έχει ήδη τυπωθεί."
    assert refusal.code == "card_state" and refusal.status == 409
    assert ScanRequestError("x", status=404, code="day_not_found").status == 404
    assert InsufficientStock([("Ρύζι", 5, 2)]).code == "insufficient_stock"
    assert "Ρύζι" in str(InsufficientStock([("Ρύζι", 5, 2)]))


class _Form(forms.Form):
    quantity = forms.IntegerField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_the_page_helper_puts_a_refusal_on_the_form_or_on_the_next_page():
    request = _request()
    form = _Form({"quantity": "3"})
    assert form.is_valid()
    show_refusal(request, InsufficientStock([("Ρύζι", 5, 2)]), form=form, field="quantity")
    assert "Ρύζι" in form.errors["quantity"][0]
    other = _Form({"quantity": "3"})
    other.is_valid()
    show_refusal(request, DistributionError("Η ημέρα έκλεισε."), form=other)
    assert other.non_field_errors() == ["Η ημέρα έκλεισε."]
    fields = _Form({"quantity": "3"})
    fields.is_valid()
    show_refusal(request, ValidationError({"quantity": "Πάρα πολλά."}), form=fields)
    assert fields.errors["quantity"] == ["Πάρα πολλά."]
    show_refusal(request, CardError("Η κάρτα ανακλήθηκε."))
    assert [str(m) for m in get_messages(request)] == ["Η κάρτα ανακλήθηκε."]


@pytest.mark.django_db
def test_the_api_answers_a_refusal_as_a_problem_with_its_code(client, staff_user):
    from tests.distribution.days_helpers import household

    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(staff_user, 'desk')[1]}", "HTTP_ACCEPT_LANGUAGE": "el"}
    hh, _card, _code = household()  # it has an active card already
    answer = client.post("/api/v1/cards", {"household_id": hh.pk}, content_type="application/json", **auth)
    assert answer.status_code == 409 and answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "card_state" and body["status"] == 409
    assert body["message"] == body["detail"] and "κάρτα" in body["message"]
