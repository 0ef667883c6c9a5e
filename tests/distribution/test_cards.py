"""Card lifecycle, the one-active-card rule, `card_for_code` and the printed PDF read back (racing
requests and prints: test_concurrency.py)."""

import subprocess
from datetime import date, timedelta

import pytest
import zxingcpp
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from core.models import AuditLog
from distribution.identifiers import format_card_number, hash_token, qr_payload
from distribution.models import AuthorisedCollector, Card
from distribution.selectors import card_for_code
from distribution.services import cards as services
from distribution.services.programmes import enrol
from tests.distribution.factories import ProgrammeFactory, household_with_reference
from tests.factories import centre_details

pytestmark = pytest.mark.django_db


def printed_card(user, **person):
    household = household_with_reference(**person)
    card = services.request_card(household, by=user)
    tokens = {}
    services.print_cards([card], by=user, tokens_out=tokens)
    card.refresh_from_db()
    return card, tokens[card.pk]


def test_lifecycle_requested_printed_handed_over_revoked(staff_user):
    household = household_with_reference()
    card = services.request_card(household, by=staff_user)
    assert card.status == Card.Status.REQUESTED and card.token_hash is None
    assert len(card.number) == 8 and card.display_number == format_card_number(card.number)
    tokens = {}
    pdf = services.print_cards([card], by=staff_user, tokens_out=tokens)
    assert pdf.startswith(b"%PDF")
    card.refresh_from_db()
    assert card.status == Card.Status.PRINTED and card.token_hash == hash_token(tokens[card.pk])
    assert card.valid_until == timezone.localdate() + timedelta(days=services.CARD_VALIDITY_DAYS)
    assert tokens[card.pk].encode() not in pdf.replace(b"\n", b"")  # drawn as vectors, not text
    with pytest.raises(services.CardError):
        services.print_cards([card], by=staff_user)  # reprinting needs a reissue
    services.hand_over(card, to="Μαρία", by=staff_user)
    card.refresh_from_db()
    assert card.status == Card.Status.HANDED_OVER and card.handed_over_by == staff_user
    assert card.handed_over_at is not None and card.handed_over_to == "Μαρία"
    with pytest.raises(services.CardError):
        services.hand_over(card, to="x", by=staff_user)
    services.revoke_card(card, reason=Card.RevokeReason.LOST, by=staff_user)
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED and card.revoke_reason == "lost" and card.revoked_by == staff_user
    with pytest.raises(services.CardError):
        services.revoke_card(card, reason=Card.RevokeReason.LOST, by=staff_user)
    changes = list(AuditLog.objects.filter(object_id=str(card.pk), content_type__model="card")
                   .values_list("changes", flat=True))
    assert {"status": ["handed_over", "revoked"], "reason": "lost"} in changes


def test_only_one_active_card_per_household(staff_user):
    household = household_with_reference()
    services.request_card(household, by=staff_user)
    with pytest.raises(services.CardError):
        services.request_card(household, by=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(household=household)  # the database refuses it too


def test_reissue_revokes_the_old_card_at_once(staff_user):
    card, token = printed_card(staff_user)
    new = services.reissue_card(card, reason=Card.RevokeReason.STOLEN, by=staff_user)
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED and card.replaced_by == new
    assert new.status == Card.Status.REQUESTED and new.number != card.number
    found = card_for_code(qr_payload(token))
    assert found.pk == card.pk and found.effective_status() == Card.Status.REVOKED


def test_expiry(staff_user):
    card, _token = printed_card(staff_user)
    Card.objects.filter(pk=card.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    card.refresh_from_db()
    assert card.effective_status() == Card.Status.EXPIRED
    assert services.expire_cards() == 1
    card.refresh_from_db()
    assert card.status == Card.Status.EXPIRED
    services.request_card(card.household, by=staff_user)  # an expired card is not active


def test_printed_card_must_have_a_token_in_the_database(staff_user):
    card = services.request_card(household_with_reference(), by=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=card.pk).update(status=Card.Status.PRINTED)


def test_card_for_code_contract(staff_user, django_assert_max_num_queries):
    programme = ProgrammeFactory()
    card, token = printed_card(staff_user, first_name="Αϊσέ")
    household = card.household
    enrol(household, programme, date(2026, 1, 1), date(2026, 12, 31), by=staff_user)
    household.members.create(first_name="Σαλή", last_name="Σαλής")
    AuthorisedCollector.objects.create(household=household, name="Ελένη Σαλή", id_number="ΑΚ 123456",
                                       relation="γειτόνισσα")
    for code, kind in [(qr_payload(token), "token"), (token, "token"), (token.lower(), "token"),
                       (card.display_number, "number"), (" k " + card.number.lower(), "number")]:
        with CaptureQueriesContext(connection) as queries:
            found = card_for_code(code)
            assert found.pk == card.pk and found.matched_by == kind
            assert found.household.member_count == 2
            assert found.household.reference_first_name == "Αϊσέ"
            assert found.household.active_collector_count == 1
            assert [e.programme.code for e in found.household.enrolments.all()] == ["kea-basic"]
        assert len(queries) <= 2, [q["sql"] for q in queries]
    assert card_for_code("KC1-" + "A" * 16) is None
    assert card_for_code("nonsense") is None


def _decode_pdf(pdf: bytes, tmp_path) -> list:
    path = tmp_path / "cards.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(path), str(tmp_path / "page")], check=True)
    results = []
    for png in sorted(tmp_path.glob("page*.png")):
        results.extend(zxingcpp.read_barcodes(Image.open(png)))
    return results


def test_printed_pdf_scans_back_to_exactly_the_issued_tokens(staff_user, tmp_path):
    centre_details(name="Κέντρο Κοινότητας Δράμας", address="Πλατεία Ελευθερίας, Δράμα", phones="2521057206")
    cards = [services.request_card(household_with_reference(first_name=f"Όνομα{i}"), by=staff_user)
             for i in range(12)]  # two pages
    tokens = {}
    pdf = services.print_cards(cards, by=staff_user, tokens_out=tokens)
    results = _decode_pdf(pdf, tmp_path)
    qr = sorted(r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode)
    bars = sorted(r.text for r in results if r.format == zxingcpp.BarcodeFormat.Code128)
    assert qr == sorted(qr_payload(t) for t in tokens.values())
    assert bars == sorted(tokens.values())
    assert all(r.valid and r.orientation == 0 and not r.error for r in results)  # upright, not mirrored
    for text in qr + bars:  # and each resolves to its own card
        assert card_for_code(text).pk in tokens
    text = subprocess.run(["pdftotext", str(tmp_path / "cards.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Όνομα0" in text and "Κέντρο Κοινότητας Δράμας" in text and "2521057206" in text
    assert "Κάρτα δικαιούχου" in text and "Ισχύει έως" in text  # Greek labels, Greek font
    assert cards[0].household.reference_person.last_name not in text  # first name only
    assert format_card_number(Card.objects.get(pk=cards[0].pk).number) in text
    for token in tokens.values():
        assert token not in text
