"""One volunteer per e-mail address, whatever its capitals: a database constraint with its own Greek
message, one service check (roster.check_email_free) before it, a migration that lists existing
clashes instead of failing on a database error, and a public application that does not reveal
whether an address is known (its owner is told by e-mail instead)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from core.once import new_token
from volunteers.models import ContactChange, SignInLink, Volunteer
from volunteers.services import contacts, roster

from .factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _application(email, **extra):
    return {"first_name": "Αϊσέ", "last_name": "Μουσταφά", "email": email, "phone": "", "language": "el",
            "consent": "on", "website": "", "form_token": new_token(), **extra}


def test_the_database_refuses_the_same_address_in_other_capitals_and_allows_many_empty_ones():
    VolunteerFactory(email="Maria@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerFactory(email="maria@example.ORG")
    VolunteerFactory(email="", phone="6900000001")
    VolunteerFactory(email="", phone="6900000002")  # no address: no clash
    assert Volunteer.objects.count() == 3


def test_the_service_refuses_a_taken_address_with_the_constraints_greek_message(coordinator):
    VolunteerFactory(email="maria@example.org")
    other = VolunteerFactory(email="other@example.org")
    other.email = "MARIA@example.org"
    with translation.override("el"), pytest.raises(ValidationError) as refused:
        roster.save_profile(other, by=coordinator)
    assert refused.value.message_dict["email"] == ["Άλλος εθελοντής έχει ήδη αυτή τη διεύθυνση e-mail."]
    assert Volunteer.objects.get(pk=other.pk).email == "other@example.org"
    other.email = "other@example.org"
    roster.save_profile(other, by=coordinator)  # its own address is no clash


def test_the_coordinators_form_shows_the_message_before_saving(coordinator_client):
    VolunteerFactory(email="maria@example.org")
    response = coordinator_client.post(reverse("volunteers:volunteer_new"), {
        "first_name": "Μαρία", "last_name": "Δεύτερη", "email": "Maria@Example.org", "language": "el",
        "status": "applicant",
        **{f"{p}-{k}": "0" for p in ("languages", "certificates", "availability", "absences")
           for k in ("TOTAL_FORMS", "INITIAL_FORMS")}}, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200
    assert "Άλλος εθελοντής έχει ήδη αυτή τη διεύθυνση e-mail." in response.content.decode()
    assert Volunteer.objects.count() == 1


def test_an_application_with_a_known_address_answers_the_same_and_tells_the_owner(
        client, mailoutbox, django_capture_on_commit_callbacks):
    known = VolunteerFactory(email="aise@example.org", language="el")
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(reverse("volunteers:apply"), _application("fresh@example.org"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("volunteers:apply"), _application("AISE@example.org"))
    assert again.status_code == new.status_code == 200
    strip = lambda html: re.sub(r'(csrfmiddlewaretoken" value=|CSRFToken": )"[^"]+"', "", html)  # noqa: E731
    assert strip(again.content.decode()) == strip(new.content.decode()), "the page must not tell them apart"
    assert Volunteer.objects.filter(email__iexact="aise@example.org").get() == known
    (told,) = mailoutbox
    assert told.to == ["aise@example.org"] and "/volunteers/sign-in/" in told.body
    # Sent again and again, the owner is told a few times a day at most.
    for _n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("volunteers:apply"), _application("aise@example.org"), REMOTE_ADDR=f"10.0.1.{_n}")
    assert len(mailoutbox) <= 3


def test_the_sign_in_link_goes_to_exactly_one_account(client, mailoutbox):
    volunteer = VolunteerFactory(email="nikos@example.org")
    client.post(reverse("volunteers:signin_request"), {"email": "NIKOS@example.org"})
    assert [m.to for m in mailoutbox] == [["nikos@example.org"]]
    assert list(SignInLink.objects.values_list("user_id", flat=True)) == [volunteer.user_id]


def test_a_new_address_that_another_volunteer_has_is_refused_when_confirmed(
        client, mailoutbox, django_capture_on_commit_callbacks):
    VolunteerFactory(email="taken@example.org")
    volunteer = VolunteerFactory(email="mine@example.org")
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:my_details"), {
            "email": "Taken@example.org", "phone": volunteer.phone, "language": "el", "address": "",
            "emergency_name": "", "emergency_phone": "", "availability_notes": ""})
    assert response.status_code == 302  # the form does not say whose the address is
    secret_link = next(m for m in mailoutbox if m.to == ["Taken@example.org"]).body
    token = re.search(r"/volunteers/confirm/([^/\s]+)/", secret_link).group(1)
    with translation.override("el"):
        refused = client.post(reverse("volunteers:confirm_contact", args=[token]), HTTP_ACCEPT_LANGUAGE="el")
    assert refused.status_code == 400 and "Άλλος εθελοντής έχει ήδη" in refused.content.decode()
    assert Volunteer.objects.get(pk=volunteer.pk).email == "mine@example.org"
    assert ContactChange.objects.get().confirmed_at is None
    with pytest.raises(ValidationError):
        contacts.confirm_change(token)


@pytest.mark.django_db(transaction=True)
def test_the_migration_lists_existing_clashes_and_stops():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "volunteers", "0008", verbosity=0)
    try:
        # The model as it was at 0008 (today's has columns the old table lacks).
        state = MigrationExecutor(connection).loader.project_state(("volunteers", "0008_calendar_links"))
        old = state.apps.get_model("volunteers", "Volunteer")

        def volunteer(email, phone):
            return old.objects.create(first_name="Ελένη", last_name="Σαλή", email=email, phone=phone,
                                      status="active")

        volunteer("Eleni@example.org", "6900000001")
        twin = volunteer("eleni@EXAMPLE.org", "6900000002")
        volunteer("", "6900000003")
        volunteer("", "6900000004")
        with pytest.raises(RuntimeError) as stopped:
            call_command("migrate", "volunteers", "0009", verbosity=0)
        text = str(stopped.value)
        assert "1 group(s) of volunteers" in text and "one volunteer per e-mail address" in text
        assert f"volunteer {twin.pk} (" in text and "@" not in text.split("\n", 1)[1]
        twin.email = ""
        twin.save()
    finally:
        call_command("migrate", "volunteers", verbosity=0)
    assert Volunteer.objects.count() == 4
