"""Application and approval into a volunteer account, profile editing, anonymisation keeping the
hours, and the personal sign-in links (signed, expiring, single use)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.once import new_token
from tests.factories import UserFactory
from volunteers.models import Assignment, SignInLink, Volunteer
from volunteers.selectors import approved_hours
from volunteers.services import attendance, roster, signin, signups

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_public_application_then_approval_creates_a_volunteer_account(client, coordinator_client, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    page = client.get(reverse("volunteers:apply"))
    assert "ανωνυμοποιούνται" in page.content.decode(), "the consent text is shown"
    refused = client.post(reverse("volunteers:apply"), {"first_name": "Αϊσέ", "last_name": "Μουσταφά",
                                                        "language": "el"})
    assert refused.status_code == 200 and not Volunteer.objects.exists()
    body = refused.content.decode()
    assert "e-mail ή κινητό" in body and "Αυτό το πεδίο είναι απαραίτητο" in body
    client.post(reverse("volunteers:apply"), {
        "first_name": "Αϊσέ", "last_name": "Μουσταφά", "email": "aise@example.org", "phone": "6912345678",
        "language": "el", "languages": ["rom", "tr", "el"], "consent": "on", "form_token": new_token()})
    volunteer = Volunteer.objects.get()
    assert volunteer.status == "applicant" and volunteer.consent_at and "ανωνυμοποιούνται" in volunteer.consent_text
    assert sorted(volunteer.languages.values_list("language", flat=True)) == ["el", "rom", "tr"]

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("volunteers:volunteer_action", args=[volunteer.pk, "approve"]))
    volunteer.refresh_from_db()
    assert volunteer.status == "active" and volunteer.user is not None
    assert volunteer.user.role == "volunteer" and not volunteer.user.has_usable_password()
    assert volunteer.user.username == "aise.moustafa"
    assert any("/volunteers/sign-in/" in m.body for m in mailoutbox)
    with pytest.raises(ValidationError):
        roster.approve_application(volunteer, by=None)


def _link_token(url):
    return re.search(r"/sign-in/([^/]+)/", url).group(1)


def test_signin_link_works_once_and_only_when_unaltered(client):
    volunteer = VolunteerFactory()
    url = signin.create_signin_link(volunteer.user)
    token = _link_token(url)
    target = reverse("volunteers:signin_link", args=[token])
    assert client.get(target).status_code == 200  # a mail scanner opening it does not spend it
    response = client.post(target)
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:me")
    assert client.get(reverse("volunteers:me")).status_code == 200
    client.logout()
    again = client.post(target)
    assert again.status_code == 400 and "ήδη χρησιμοποιηθεί" in again.content.decode()
    forged = client.post(reverse("volunteers:signin_link", args=[token[:-2] + "xx"]))
    assert forged.status_code == 400 and "δεν είναι έγκυρος" in forged.content.decode()


def test_signin_link_expires():
    volunteer = VolunteerFactory()
    token = _link_token(signin.create_signin_link(volunteer.user))
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="έληξε"):
        signin.use_signin_link(token)


def test_asking_for_a_link_does_not_reveal_who_is_a_volunteer(client, mailoutbox):
    volunteer = VolunteerFactory(email="eleni@example.org")
    known = client.post(reverse("volunteers:signin_request"), {"email": "ELENI@example.org"}, follow=True)
    unknown = client.post(reverse("volunteers:signin_request"), {"email": "nobody@example.org"}, follow=True)
    assert [m.to for m in mailoutbox] == [[volunteer.email]]
    message = "Αν η διεύθυνση ανήκει σε ενεργό εθελοντή"
    assert message in known.content.decode() and message in unknown.content.decode()


def test_coordinator_edits_profile_with_languages_certificates_and_availability(coordinator_client):
    volunteer = VolunteerFactory()
    from volunteers.models import Skill

    first_aid = Skill.objects.get(name="Πρώτες βοήθειες")
    data = {
        "first_name": "Ελένη", "last_name": "Σαλή", "email": "e@example.org", "phone": "6900000001", "language": "en",
        "status": "active", "emergency_name": "Μαρία Σαλή", "emergency_phone": "6900000002",
        "languages-TOTAL_FORMS": "2", "languages-INITIAL_FORMS": "0",
        "languages-0-language": "rom", "languages-0-level": "native",
        "languages-1-language": "tr", "languages-1-level": "good",
        "certificates-TOTAL_FORMS": "1", "certificates-INITIAL_FORMS": "0",
        "certificates-0-skill": first_aid.pk, "certificates-0-expires_on": "2027-03-01",
        "availability-TOTAL_FORMS": "1", "availability-INITIAL_FORMS": "0",
        "availability-0-weekday": "1", "availability-0-start_time": "08:00", "availability-0-end_time": "13:00",
        "absences-TOTAL_FORMS": "0", "absences-INITIAL_FORMS": "0",
    }
    response = coordinator_client.post(reverse("volunteers:volunteer_edit", args=[volunteer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    volunteer.refresh_from_db()
    assert volunteer.speaks("rom") and volunteer.certificates.get().expires_on.isoformat() == "2027-03-01"
    assert str(volunteer.availability.get()) == "Τρίτη 08:00–13:00"
    assert volunteer.user.language == "en"
    assert AuditLog.objects.filter(object_id=str(volunteer.pk), action="change").exists()
    page = coordinator_client.get(reverse("volunteers:volunteer", args=[volunteer.pk]))
    assert "Ρομανί" in page.content.decode()
    assert AuditLog.objects.filter(object_id=str(volunteer.pk), action="view").exists()
    bad = dict(data, **{"availability-0-end_time": "07:00"})
    assert coordinator_client.post(reverse("volunteers:volunteer_edit", args=[volunteer.pk]), bad).status_code == 200



def test_the_edit_pages_language_certificate_and_availability_rows_are_audited(coordinator_client):
    from django.contrib.contenttypes.models import ContentType

    from volunteers.models import Availability, Certificate, Skill, VolunteerLanguage

    volunteer = VolunteerFactory()
    first_aid = Skill.objects.get(name="Πρώτες βοήθειες")
    data = {
        "first_name": volunteer.first_name, "last_name": volunteer.last_name, "email": volunteer.email,
        "phone": volunteer.phone, "language": "el", "status": "active", "emergency_name": "Μαρία Σαλή",
        "emergency_phone": "6900000002",
        "languages-TOTAL_FORMS": "1", "languages-INITIAL_FORMS": "0",
        "languages-0-language": "rom", "languages-0-level": "native",
        "certificates-TOTAL_FORMS": "1", "certificates-INITIAL_FORMS": "0",
        "certificates-0-skill": first_aid.pk, "certificates-0-expires_on": "2027-03-01",
        "availability-TOTAL_FORMS": "1", "availability-INITIAL_FORMS": "0",
        "availability-0-weekday": "1", "availability-0-start_time": "08:00", "availability-0-end_time": "13:00",
        "absences-TOTAL_FORMS": "0", "absences-INITIAL_FORMS": "0",
    }
    url = reverse("volunteers:volunteer_edit", args=[volunteer.pk])
    assert coordinator_client.post(url, data).status_code == 302

    def entries(model, action):
        return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action)

    spoken = VolunteerLanguage.objects.get(volunteer=volunteer)
    (created,) = entries(VolunteerLanguage, "create")
    assert created.object_id == str(spoken.pk) and created.changes["level"] == ["", "native"]
    assert created.user is not None and created.user.groups.filter(name="coordinator").exists()
    assert entries(Availability, "create").count() == 1
    assert entries(Certificate, "create").count() == 1

    slot = volunteer.availability.get()
    changed = dict(data, **{
        "languages-INITIAL_FORMS": "1", "languages-0-id": spoken.pk, "languages-0-level": "good",
        "certificates-TOTAL_FORMS": "0",
        "availability-INITIAL_FORMS": "1", "availability-0-id": slot.pk, "availability-0-DELETE": "on",
    })
    assert coordinator_client.post(url, changed).status_code == 302
    (change,) = entries(VolunteerLanguage, "change")
    assert change.changes == {"level": ["native", "good"]}
    (deleted,) = entries(Availability, "delete")
    assert deleted.object_id == str(slot.pk) and not Availability.objects.filter(pk=slot.pk).exists()


def test_anonymisation_removes_the_person_and_keeps_the_hours():
    coordinator = UserFactory(role="coordinator")
    volunteer = VolunteerFactory(first_name="Γιώργος", last_name="Καραγιάννης")
    now = timezone.now()
    past = ShiftFactory(starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3, minutes=30))
    future = ShiftFactory(starts_at=now + timedelta(days=3))
    signups.take_shift(volunteer, past)
    signups.take_shift(volunteer, future)
    served = attendance.set_attendance(Assignment.objects.get(shift=past), "present", by=coordinator)
    attendance.approve_hours(served, by=coordinator)
    user_id = volunteer.user_id
    roster.anonymise(volunteer, by=coordinator)
    volunteer.refresh_from_db()
    assert volunteer.first_name.startswith("Anonymised volunteer") or volunteer.first_name.startswith("Ανώνυμος")
    assert volunteer.email == volunteer.phone == volunteer.emergency_phone == "" and volunteer.user is None
    assert not volunteer.languages.exists()
    account = get_user_model().objects.get(pk=user_id)
    assert not account.is_active and "Καραγιάννης" not in account.last_name and not account.email
    assert Assignment.objects.get(shift=future).status == "cancelled"
    assert approved_hours(Volunteer.objects.filter(pk=volunteer.pk))[0].hours_served == Decimal("3.00")
    with pytest.raises(ValidationError):
        roster.anonymise(volunteer, by=coordinator)


def test_pausing_frees_future_places(coordinator_client):
    volunteer = VolunteerFactory()
    shift = ShiftFactory()
    signups.take_shift(volunteer, shift)
    volunteer.status = "paused"
    roster.save_profile(volunteer, by=None)
    shift.refresh_from_db()
    assert shift.booked == 0


def test_volunteer_added_directly_as_active_gets_an_account(coordinator_client):
    response = coordinator_client.post(reverse("volunteers:volunteer_new"), {
        "first_name": "Στέλιος", "last_name": "Χατζηγεωργίου", "email": "stelios@example.org", "language": "el",
        "status": "active",
        **{f"{p}-{k}": "0" for p in ("languages", "certificates", "availability", "absences")
           for k in ("TOTAL_FORMS", "INITIAL_FORMS")}})
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(email="stelios@example.org")
    assert volunteer.user.username == "stelios.chatzigeorgiou" and volunteer.user.role == "volunteer"


def test_public_link_requests_are_limited_per_hour(client, mailoutbox):
    VolunteerFactory(email="many@example.org")
    for _ in range(5):
        client.post(reverse("volunteers:signin_request"), {"email": "many@example.org"})
    assert len(mailoutbox) == signin.MAX_LINKS_PER_HOUR


def test_check_in_page_asks_anonymous_visitors_to_sign_in(client):
    shift = ShiftFactory()
    page = client.get(reverse("volunteers:checkin", args=[shift.checkin_token])).content.decode()
    assert "/accounts/login/?next=" in page and "Είμαι εδώ" not in page
    assert client.post(reverse("volunteers:checkin", args=[shift.checkin_token])).status_code == 200


def test_anonymise_button_needs_the_confirmation_box(coordinator_client):
    volunteer = VolunteerFactory(first_name="Ζεϊνέπ")
    url = reverse("volunteers:volunteer_action", args=[volunteer.pk, "anonymise"])
    refused = coordinator_client.post(url, follow=True)
    assert "Τσεκάρετε" in refused.content.decode()
    assert Volunteer.objects.get(pk=volunteer.pk).first_name == "Ζεϊνέπ"
    coordinator_client.post(url, {"confirm": "yes"})
    assert Volunteer.objects.get(pk=volunteer.pk).anonymised_at is not None


def test_signed_out_volunteer_pages_lead_to_the_link_form_with_a_password_option(client):
    response = client.get(reverse("volunteers:me"))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:signin_request") + "?next=/volunteers/me/"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/accounts/login/?next=/volunteers/me/"' in page
