"""Sign-in links open only plain volunteer accounts and one link lives at a time; a volunteer's new
e-mail address or phone number is confirmed from the new address and told to the old one."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory
from volunteers.models import ContactChange, Volunteer
from volunteers.services import signin

from .factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _token(url):
    return re.search(r"/sign-in/([^/]+)/", url).group(1)


@pytest.mark.parametrize("make_privileged", [
    lambda user: user.groups.add(Group.objects.get(name="coordinator")),
    lambda user: user.groups.add(Group.objects.get(name="staff")),
    lambda user: setattr(user, "is_superuser", True) or user.save(),
    lambda user: setattr(user, "is_staff", True) or user.save(),
])
def test_a_sign_in_link_for_a_privileged_account_is_refused(client, mailoutbox, make_privileged):
    volunteer = VolunteerFactory(email="linked@example.org")
    url = signin.create_signin_link(volunteer.user)  # issued while the account was a plain volunteer's
    make_privileged(volunteer.user)
    # A link issued before the rights were given opens nothing.
    response = client.post(reverse("volunteers:signin_link", args=[_token(url)]))
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    # None is issued any more: not by the public form, not directly.
    client.post(reverse("volunteers:signin_request"), {"email": "linked@example.org"})
    assert mailoutbox == []
    with pytest.raises(ValidationError):
        signin.create_signin_link(type(volunteer.user).objects.get(pk=volunteer.user.pk))


def test_a_coordinator_account_linked_to_a_profile_gets_no_link(client, mailoutbox):
    coordinator = UserFactory(username="boss", role="coordinator")
    VolunteerFactory(email="boss@example.org", user=coordinator)
    answer = client.post(reverse("volunteers:signin_request"), {"email": "boss@example.org"}, follow=True)
    assert "Αν η διεύθυνση ανήκει σε ενεργό εθελοντή" in answer.content.decode()
    assert mailoutbox == []


def test_issuing_a_link_ends_the_older_ones_and_using_one_ends_the_rest(client):
    volunteer = VolunteerFactory()
    first = _token(signin.create_signin_link(volunteer.user))
    second = _token(signin.create_signin_link(volunteer.user))
    with pytest.raises(ValidationError):
        signin.use_signin_link(first)
    third_url = signin.create_signin_link(volunteer.user)
    with pytest.raises(ValidationError):
        signin.use_signin_link(second)
    assert signin.use_signin_link(_token(third_url)) == volunteer.user


def _post_details(client, volunteer, **fields):
    data = {"email": volunteer.email, "phone": volunteer.phone, "language": "el", "address": "",
            "emergency_name": "", "emergency_phone": "", "availability_notes": ""}
    data.update(fields)
    return client.post(reverse("volunteers:my_details"), data)


def test_a_new_email_is_confirmed_from_the_new_address_and_told_to_the_old(
        client, mailoutbox, django_capture_on_commit_callbacks, sms_outbox):
    volunteer = VolunteerFactory(email="old@example.org", phone="6900000001")
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_details(client, volunteer, email="attacker@example.org", availability_notes="Σάββατα")
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.email == "old@example.org" and volunteer.availability_notes == "Σάββατα"
    assert volunteer.user.email == "old@example.org"
    confirm = next(m for m in mailoutbox if m.to == ["attacker@example.org"])
    notice = next(m for m in mailoutbox if m.to == ["old@example.org"])
    assert "coordinator" in notice.body or "συντονισ" in notice.body
    assert "attacker@example.org" not in notice.body
    assert any(s.to == "6900000001" for s in sms_outbox), "the old phone is told too"
    # Until confirmed, a sign-in link still goes to the old address.
    mailoutbox.clear()
    signin.send_signin_link(volunteer)
    assert [m.to for m in mailoutbox] == [["old@example.org"]]
    link = re.search(r"(/volunteers/confirm/[^/\s]+/)", confirm.body).group(1)
    client.logout()
    assert client.get(link).status_code == 200  # opening the link changes nothing
    assert Volunteer.objects.get(pk=volunteer.pk).email == "old@example.org"
    assert client.post(link).status_code == 200
    volunteer.refresh_from_db()
    volunteer.user.refresh_from_db()
    assert volunteer.email == volunteer.user.email == "attacker@example.org"
    assert client.post(link).status_code == 400  # once only


def test_a_new_phone_is_confirmed_by_sms_to_that_phone(client, django_capture_on_commit_callbacks, sms_outbox):
    volunteer = VolunteerFactory(email="", phone="6900000001")
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        _post_details(client, volunteer, phone="6911111111")
    assert Volunteer.objects.get(pk=volunteer.pk).phone == "6900000001"
    to_new = [s for s in sms_outbox if s.to == "6911111111"]
    to_old = [s for s in sms_outbox if s.to == "6900000001"]
    assert len(to_new) == 1 and "/volunteers/confirm/" in to_new[0].text
    assert len(to_old) == 1 and "/volunteers/confirm/" not in to_old[0].text
    token = re.search(r"/volunteers/confirm/([^/\s]+)/", to_new[0].text).group(1)
    client.post(reverse("volunteers:confirm_contact", args=[token]))
    assert Volunteer.objects.get(pk=volunteer.pk).phone == "6911111111"
    assert ContactChange.objects.get().confirmed_at is not None


def test_contact_confirmations_are_limited_per_volunteer(client, django_capture_on_commit_callbacks, sms_outbox):
    volunteer = VolunteerFactory(email="", phone="6900000001")
    client.force_login(volunteer.user)
    for n in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            _post_details(client, volunteer, phone=f"69222222{n:02d}")
    assert len([s for s in sms_outbox if s.to.startswith("69222222")]) == 5
