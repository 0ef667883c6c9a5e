"""A message belongs to the centre that wrote it: its e-mail goes out in that centre's name, its outbox
page is that centre's (another centre's messages are absent, and 404 to resend), and the worker sends
every centre's messages. A failed periodic job is the installation's message, to its administrators."""

import json

import pytest
from django.urls import reverse

from core.message_models import OutboundMessage
from core.messaging import queue_message
from core.messaging.delivery import deliver
from core.tasks import tell_coordinators_job_failed
from core.tenancy import centre_scope, installation_scope
from tests.factories import CentreFactory, UserFactory, centre_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def kavala():
    centre = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala", email="kk@kavala.example.org",
                           phones="2510 000000")
    return centre


def test_a_message_goes_out_in_the_name_of_the_centre_that_wrote_it(kavala, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Κυψέλη <no-reply@kypseli.example.org>"
    centre_details(name="Κέντρο Κοινότητας Δράμας", email="")
    queue_message(channel="email", to="a@example.org", subject="Α", text="Από τη Δράμα")
    with centre_scope(kavala):
        message = queue_message(channel="email", to="b@example.org", subject="Β", text="Από την Καβάλα")
    assert message.centre_id == kavala.pk and "Καβάλας" in message.html and "2510 000000" in message.html
    deliver()  # the worker: outside any centre's scope, every centre's messages
    sent = {m.to[0]: m for m in mailoutbox}
    assert sent["b@example.org"].from_email.endswith("<no-reply@kypseli.example.org>")
    assert "Καβάλας" in sent["b@example.org"].from_email and sent["b@example.org"].reply_to == ["kk@kavala.example.org"]
    assert "Δράμας" in sent["a@example.org"].from_email and sent["a@example.org"].reply_to == []


def test_centre_b_messages_are_absent_from_centre_a_outbox(staff_client, kavala, settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/none"  # refused at once: the messages wait for staff
    mine = queue_message(channel="sms", to="6900000001", text="Δράμα", batch="day-1")
    with centre_scope(kavala):
        theirs = queue_message(channel="sms", to="6900000002", text="Καβάλα", batch="day-1")
    OutboundMessage.every_centre.update(status=OutboundMessage.Status.FAILED)
    page = staff_client.get(reverse("core:messages"))
    shown = [m.pk for m in page.context["page"]]
    assert shown == [mine.pk]
    assert staff_client.get(reverse("core:messages"), {"batch": "day-1"}).context["progress"]["total"] == 1
    assert staff_client.post(reverse("core:message_resend", args=[theirs.pk])).status_code == 404
    assert not OutboundMessage.every_centre.filter(resent_from=theirs).exists()
    with centre_scope(kavala):
        assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_delivery_report_reaches_any_centres_message(client, kavala, settings):
    settings.SMS_DELIVERY_REPORT_SECRET = "s3cret"
    with centre_scope(kavala):
        message = queue_message(channel="sms", to="6900000002", text="Καβάλα", key="k-1")
    body = json.dumps({"reference": message.idempotency_key, "status": "delivered"})
    response = client.post(reverse("core:delivery_report"), body, content_type="application/json",
                           HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code == 204
    assert OutboundMessage.every_centre.get(pk=message.pk).delivered_at is not None


def test_a_job_over_several_centres_writes_each_message_in_its_records_centre(kavala):
    someone = UserFactory(username="eleni")
    with installation_scope():
        assert queue_message(channel="sms", to="690", text="-", about=someone).centre_id is None
    with centre_scope(kavala):
        from core.models import Location

        hall = Location.objects.create(name="Αίθουσα")
    with installation_scope():
        assert queue_message(channel="sms", to="691", text="-", about=hall).centre_id == kavala.pk


def test_a_failed_job_is_told_to_the_administrators_not_to_each_centres_coordinator(kavala, coordinator):
    UserFactory(username="coord-kavala", role="coordinator", role__centre=kavala)
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    with installation_scope():
        assert tell_coordinators_job_failed("check_stock", "2 levels differ") == 1
    (told,) = OutboundMessage.every_centre.filter(kind="job_failed")
    assert told.recipient == "admin@example.org" and told.centre_id is None


def test_with_one_centre_its_coordinators_are_told_as_before(coordinator):
    with installation_scope():
        assert tell_coordinators_job_failed("check_stock", "2 levels differ") == 1
    assert OutboundMessage.every_centre.get(kind="job_failed").recipient == "coord@example.org"
