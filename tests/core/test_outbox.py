"""The outbox: a message is a row written with the action that causes it, sent by the worker's code
(core.messaging.delivery) with retries, resent by staff, updated by the gateway's delivery reports."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.accounts import send_invitation
from core.fake_gateway import FakeGateway
from core.message_models import OutboundMessage
from core.messaging import queue_message
from core.messaging.delivery import deliver
from core.messaging.services import MessageError, resend
from tests.factories import UserFactory

Status = OutboundMessage.Status


@pytest.fixture
def gateway(settings):
    fake = FakeGateway().start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = fake.url
    settings.MESSAGES_RETRY_BASE_SECONDS = 30
    yield fake
    fake.stop()


def test_a_rolled_back_action_leaves_no_message(db, mailoutbox):
    user = UserFactory(email="eleni@example.org", language="el")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert send_invitation(user)
        assert OutboundMessage.objects.count() == 1  # written inside the action's transaction
        raise RuntimeError("the action fails after the message was decided")
    assert not OutboundMessage.objects.exists()
    assert len(mailoutbox) == 0


def test_a_message_keeps_what_it_is_about_and_goes_out_in_greek_with_a_plain_text_part(db, mailoutbox):
    user = UserFactory(email="eleni@example.org", language="el")
    send_invitation(user)
    message = OutboundMessage.objects.get()
    assert (message.channel, message.recipient, message.language, message.kind) == (
        "email", "eleni@example.org", "el", "invitation")
    assert message.about == user and message.status == Status.QUEUED and message.attempts == 0
    assert "Καλέστε μας" in message.html and message.text in mailoutbox[0].body
    (sent,) = mailoutbox
    assert sent.alternatives[0][1] == "text/html"
    assert message.idempotency_key in sent.extra_headers["Message-ID"]
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1 and message.sent_at


def test_a_message_with_the_same_key_is_queued_once(db):
    first = queue_message(channel="sms", to="6900000001", text="α", key="slot:1")
    again = queue_message(channel="sms", to="6900000001", text="α", key="slot:1")
    assert first.pk == again.pk and OutboundMessage.objects.count() == 1


def test_a_failing_gateway_leaves_the_message_queued_with_a_later_try(db, gateway):
    gateway.mode = "error"
    message = queue_message(channel="sms", to="6900000001", text="Διανομή αύριο")
    assert deliver() == {"queued": 1}
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert message.last_error == "SMS gateway answered 500"
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)  # 30 s ± 20 %
    assert deliver() == {}  # not due yet
    gateway.mode = "ok"
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == "fake-1" and message.attempts == 2
    assert list(gateway.sent) == [message.idempotency_key]


def test_the_wait_doubles_and_the_worker_gives_up_in_the_end(db, gateway, settings):
    settings.MESSAGES_MAX_ATTEMPTS = 3
    gateway.stop()  # connections refused
    message = queue_message(channel="sms", to="6900000001", text="x")
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        deliver()
        after = timezone.now()  # the wait counts from the failure, between the two
        message.refresh_from_db()
        waits.append(((message.next_attempt_at - before).total_seconds(),
                      (message.next_attempt_at - after).total_seconds()))
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert message.status == Status.GAVE_UP and message.attempts == 3
    assert 24 <= waits[0][0] and waits[0][1] <= 36 and 48 <= waits[1][0] and waits[1][1] <= 72
    assert "unreachable" in message.last_error


def test_a_refused_message_fails_at_once_and_staff_resend_it_once(db, gateway, staff_user):
    gateway.mode = "refuse"
    message = queue_message(channel="sms", to="000", text="x")
    assert deliver() == {"failed": 1}
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 1
    gateway.mode = "ok"
    copy = resend(message, by=staff_user)
    assert copy.resent_from == message and copy.idempotency_key != message.idempotency_key
    assert deliver() == {"sent": 1}
    with pytest.raises(MessageError):
        resend(message, by=staff_user)
    with pytest.raises(MessageError):
        resend(OutboundMessage.objects.get(pk=copy.pk), by=staff_user)  # sent: nothing to resend


def test_the_sms_carries_its_idempotency_key_to_the_gateway(db, gateway):
    message = queue_message(channel="sms", to="6900000001", text="x")
    deliver()
    assert gateway.sent[message.idempotency_key]["to"] == "6900000001"


SECRET = "s3cret"  # noqa: S105 - a test's shared secret


def _report(client, body, secret=SECRET):
    return client.post(reverse("core:delivery_report"), json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_delivery_reports_need_the_shared_secret_and_update_the_status(db, client, gateway, settings):
    settings.SMS_DELIVERY_REPORT_SECRET = "s3cret"
    delivered = queue_message(channel="sms", to="6900000001", text="x")
    lost = queue_message(channel="sms", to="6900000002", text="y")
    deliver()
    delivered.refresh_from_db()
    assert _report(client, {"id": delivered.provider_id, "status": "delivered"}, secret="wrong").status_code == 401
    assert _report(client, {"id": delivered.provider_id, "status": "delivered"}).status_code == 204
    assert _report(client, {"reference": lost.idempotency_key, "status": "undelivered"}).status_code == 204
    assert _report(client, {"id": "nobody", "status": "delivered"}).status_code == 404
    assert _report(client, ["not", "an", "object"]).status_code == 400
    delivered.refresh_from_db()
    lost.refresh_from_db()
    assert delivered.delivered_at and delivered.status == Status.SENT
    assert lost.status == Status.FAILED and "undelivered" in lost.last_error
    settings.SMS_DELIVERY_REPORT_SECRET = ""
    assert _report(client, {"id": delivered.provider_id, "status": "delivered"}, secret="").status_code == 401


def test_failed_messages_show_on_the_coordinators_home_page_and_staff_resend_them(
        db, coordinator_client, gateway, client, staff_user):
    gateway.mode = "refuse"
    message = queue_message(channel="sms", to="6900000001", text="Η ώρα σας", subject="Διανομή")
    deliver()
    home = coordinator_client.get(reverse("core:home")).content.decode()
    assert "Μηνύματα που δεν στάλθηκαν" in home and "Διανομή" in home
    client.force_login(staff_user)
    page = client.get(reverse("core:messages") + "?status=attention").content.decode()
    assert "6900000001" in page and "Αποστολή ξανά" in page
    gateway.mode = "ok"
    response = client.post(reverse("core:message_resend", args=[message.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("core:messages")
    deliver()
    assert "Μηνύματα που δεν στάλθηκαν" not in coordinator_client.get(reverse("core:home")).content.decode()


def test_only_staff_see_the_messages(db, client, volunteer_user, staff_user):
    client.force_login(volunteer_user)
    assert client.get(reverse("core:messages")).status_code == 403
    client.force_login(staff_user)
    assert client.get(reverse("core:messages")).status_code == 200
    assert client.get(reverse("core:messages") + "?about=core.user:1&status=sent&batch=x").status_code == 200


def test_old_messages_forget_their_people(db):
    from core.messaging.services import purge_messages

    message = queue_message(channel="sms", to="6900000001", text="x")
    deliver()
    OutboundMessage.objects.update(created_at=timezone.now() - timedelta(days=100))
    assert purge_messages(older_than_days=90) == 1
    message.refresh_from_db()
    assert (message.recipient, message.text, message.status) == ("", "", Status.SENT)


def test_the_messages_of_one_record_and_their_status(db, client, staff_user):
    from core.templatetags.kypseli import messages_url

    eleni, nikos = UserFactory(email="eleni@example.org"), UserFactory(email="nikos@example.org")
    send_invitation(eleni)
    send_invitation(nikos)
    deliver()
    client.force_login(staff_user)
    page = client.get(messages_url(eleni)).content.decode()
    assert "eleni@example.org" in page and "nikos@example.org" not in page and "στάλθηκε" in page


def test_anonymising_a_volunteer_forgets_the_messages_to_them(db, coordinator):
    from tests.volunteers.factories import VolunteerFactory
    from volunteers.services.roster import anonymise

    volunteer = VolunteerFactory(email="thanasis@example.org", phone="6977001122")
    sent = queue_message(channel="sms", to="6977001122", text="Βάρδια αύριο", about=volunteer)
    deliver()
    waiting = queue_message(channel="email", to="thanasis@example.org", text="Νέα βάρδια", about=volunteer)
    other = queue_message(channel="sms", to="6900000009", text="κάποιος άλλος")
    anonymise(volunteer, by=coordinator)
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert (sent.recipient, sent.text, sent.status) == ("", "", Status.SENT) and sent.anonymised_at
    assert (waiting.recipient, waiting.status) == ("", Status.GAVE_UP)
    assert OutboundMessage.objects.get(pk=other.pk).recipient == "6900000009"
    assert deliver() == {"sent": 1}  # only the other person's
