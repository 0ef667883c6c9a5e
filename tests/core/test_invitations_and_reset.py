"""New accounts get an invitation (a link valid for hours, used once) to choose a password;
password resets reach accounts without a password too, are limited, and expire within hours."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _link(message):
    return re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body).group(1)


def test_a_new_account_gets_an_invitation_and_sets_its_password_once(
        coordinator_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("core:user_new"), {
            "username": "nikos", "first_name": "Νίκος", "last_name": "Α", "email": "nikos@example.org",
            "phone": "", "language": "el", "is_active": "on", "role": "staff"})
    assert response.status_code == 302
    user = User.objects.get(username="nikos")
    assert not user.has_usable_password()
    invitation = next(m for m in mailoutbox if m.to == ["nikos@example.org"])
    assert "4" in invitation.body  # hours
    link = _link(invitation)
    person = Client()
    form_page = person.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    chosen = "a-very-long-passphrase-7"
    done = person.post(set_url, {"new_password1": chosen, "new_password2": chosen})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-very-long-passphrase-7")
    # Used once: the same link no longer opens the form.
    again = Client().get(link, follow=True)
    assert "new_password1" not in again.content.decode()
    signed_in = Client().post(reverse("login"), {"username": "nikos", "password": chosen})
    assert signed_in.status_code == 302


def test_the_coordinator_sends_the_invitation_again(coordinator_client, mailoutbox):
    user = UserFactory(username="late", email="late@example.org")
    user.set_unusable_password()
    user.save()
    response = coordinator_client.post(reverse("core:user_invite", args=[user.pk]))
    assert response.status_code == 302 and [m.to for m in mailoutbox] == [["late@example.org"]]
    assert reverse("core:user_invite", args=[user.pk]) in coordinator_client.get(
        reverse("core:user_edit", args=[user.pk])).content.decode()


def test_links_expire_within_hours(settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT <= 6 * 3600
    user = UserFactory(username="tok")
    token = default_token_generator.make_token(user)
    assert default_token_generator.check_token(user, token)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert not default_token_generator.check_token(user, token)


def test_reset_reaches_an_account_without_a_password(client, mailoutbox):
    user = UserFactory(username="nopass", email="nopass@example.org")
    user.set_unusable_password()
    user.save()
    client.post(reverse("password_reset"), {"email": "nopass@example.org"})
    assert [m.to for m in mailoutbox] == [["nopass@example.org"]]


def test_password_resets_are_limited_per_address_and_per_email(client, mailoutbox, settings):
    settings.PUBLIC_FORMS_PER_ADDRESS_PER_HOUR = 5
    settings.MESSAGES_PER_RECIPIENT_PER_DAY = 3
    UserFactory(username="victim", email="victim@example.org")
    answers = set()
    for _attempt in range(6):  # one address: five tries are served
        response = client.post(reverse("password_reset"), {"email": "victim@example.org"}, REMOTE_ADDR="10.0.0.1")
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, reverse("password_reset_done"))}, "the same answer every time"
    assert len(mailoutbox) == 3, "at most three links a day to one address"
    for n in range(3):  # other addresses do not buy more messages to the same person
        client.post(reverse("password_reset"), {"email": "victim@example.org"}, REMOTE_ADDR=f"10.0.1.{n}")
    assert len(mailoutbox) == 3
