"""Swaps on the pages and in the API: the volunteer offers from "My shifts" (a confirmation step with
an optional reason); the candidate answers from the link of the message (once; a made-up link opens
nothing) or from their own page; the coordinator sees it on the shift's page and the board, stops it
or picks someone."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from core.services import create_api_token
from tests.factories import UserFactory
from volunteers.models import SwapAsk, SwapOffer
from volunteers.services import signups, swaps

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.VOLUNTEER_MIN_REST_HOURS = 0
    coordinator = UserFactory(role="coordinator", email="coord@example.org")
    shift = ShiftFactory(max_people=1)
    leaving = available_always(VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    first, second = available_always(VolunteerFactory(first_name="Νίκος")), available_always(VolunteerFactory())
    assignment = signups.confirm(signups.assign(shift, leaving, by=None, quiet=True))
    return coordinator, shift, leaving, assignment, first, second


def _link(mailoutbox, volunteer) -> str:
    body = [m for m in mailoutbox if m.to == [volunteer.email]][-1].body
    return re.search(r"https://\S+/volunteers/swap/\S+/", body).group(0).split("example.org", 1)[1]


def test_a_volunteer_offers_from_my_shifts_with_a_reason(client, world):
    _coordinator, shift, leaving, assignment, first, _second = world
    client.force_login(leaving.user)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert reverse("volunteers:my_offer", args=[assignment.pk]) in page
    step = client.post(reverse("volunteers:my_offer", args=[assignment.pk]))
    assert step.status_code == 200 and "σας περιμένουμε κανονικά" in step.content.decode()
    assert not SwapOffer.objects.exists()  # the first POST only asks
    done = client.post(reverse("volunteers:my_offer", args=[assignment.pk]),
                       {"confirmed": "yes", "reason": "Γιατρός"}, follow=True)
    offer = SwapOffer.objects.get()
    assert offer.reason == "Γιατρός" and offer.asks.get(position=1).status == "asked"
    html = done.content.decode()
    assert "Ρωτάμε άλλους" in html and reverse("volunteers:my_offer_withdraw", args=[offer.pk]) in html
    client.post(reverse("volunteers:my_offer_withdraw", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    other = client.post(reverse("volunteers:my_offer", args=[999999]), {"confirmed": "yes"})
    assert other.status_code == 404


def test_the_link_answers_once_and_a_made_up_one_opens_nothing(client, world, mailoutbox):
    _coordinator, shift, leaving, assignment, first, _second = world
    offer = swaps.offer_shift(assignment, by=leaving.user)
    link = _link(mailoutbox, first if offer.asks.get(position=1).volunteer_id == first.pk else _second)
    page = client.get(link)
    assert page.status_code == 200 and "Ναι, την αναλαμβάνω" in page.content.decode()
    assert SwapAsk.objects.filter(status="accepted").count() == 0  # opening the link answers nothing
    taken = client.post(link, {"answer": "accept"})
    assert taken.status_code == 200 and "Η βάρδια είναι δική σας" in taken.content.decode()
    offer.refresh_from_db()
    assert offer.status == "taken"
    again = client.post(link, {"answer": "decline"})
    assert again.status_code == 200 and offer.asks.get(status="accepted")  # used: nothing changes
    assert client.get(link[:-6] + "xxxxx/").status_code == 404
    assert client.get(reverse("volunteers:swap_answer", args=["MadeUp"])).status_code == 404


def test_the_second_one_is_told_kindly(client, world, mailoutbox):
    _coordinator, shift, leaving, assignment, first, second = world
    offer = swaps.offer_shift(assignment, by=leaving.user)
    one = offer.asks.get(position=1)
    late = swaps.advance(now=one.answer_by + timedelta(minutes=1))
    assert late["asked"] == 1
    two = offer.asks.get(position=2)
    first_link = _link(mailoutbox, one.volunteer)
    swaps.accept(two)
    refused = client.post(first_link, {"answer": "accept"})
    assert refused.status_code == 409
    assert "Κάποιος άλλος μόλις ανέλαβε αυτή τη βάρδια" in refused.content.decode()


def test_answering_from_my_shifts(client, world):
    _coordinator, shift, leaving, assignment, first, second = world
    offer = swaps.offer_shift(assignment, by=leaving.user)
    ask = offer.asks.get(position=1)
    client.force_login(ask.volunteer.user)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert "Μπορείτε να αναλάβετε αυτές τις βάρδιες;" in page
    client.post(reverse("volunteers:my_swap_answer", args=[ask.pk, "decline"]))
    assert offer.asks.get(position=2).status == "asked"
    stranger = offer.asks.get(position=2)
    assert client.post(reverse("volunteers:my_swap_answer", args=[stranger.pk, "accept"])).status_code == 404


def test_the_coordinator_sees_it_stops_it_and_picks(client, world):
    coordinator, shift, leaving, assignment, first, second = world
    offer = swaps.offer_shift(assignment, reason="Ταξίδι", by=leaving.user)
    asking = offer.asks.get(position=1).volunteer
    client.force_login(coordinator)
    page = client.get(reverse("volunteers:shift", args=[shift.pk])).content.decode()
    assert f"Ρωτάμε: {asking.full_name} (1 από 2)" in page and "Ταξίδι" in page
    board = client.get(reverse("volunteers:board")).content.decode()
    assert f"Την προσφέρει: {leaving.full_name}· ρωτάμε: {asking.full_name} (1 από 2)" in board
    client.post(reverse("volunteers:offer_stop", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "stopped"
    again = swaps.offer_shift(assignment, by=leaving.user)
    done = client.post(reverse("volunteers:offer_pick", args=[again.pk]), {"volunteer": second.pk}, follow=True)
    again.refresh_from_db()
    assert again.status == "taken" and again.taken_by == second
    assert f"Την ανέλαβε: {second.full_name}." in done.content.decode()
    board = client.get(reverse("volunteers:board")).content.decode()
    assert f"Την προσέφερε: {leaving.full_name}· την ανέλαβε: {second.full_name}" in board
    assert client.post(reverse("volunteers:offer_pick", args=[again.pk]), {"volunteer": "x"}).status_code == 302
    client.force_login(leaving.user)
    assert client.post(reverse("volunteers:offer_stop", args=[again.pk])).status_code in (302, 403)
    assert SwapOffer.objects.get(pk=again.pk).status == "taken"


def test_the_api_offers_lists_and_answers(client, world):
    _coordinator, shift, leaving, assignment, first, second = world
    _t, key = create_api_token(leaving.user, "phone")
    made = client.post(f"/api/v1/shifts/{shift.pk}/offer", {"reason": "Άρρωστη"}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {key}")
    assert made.status_code == 200 and made.json()["status"] == "open" and made.json()["asking"] == 1
    twice = client.post(f"/api/v1/shifts/{shift.pk}/offer", {}, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {key}")
    assert twice.status_code == 409 and twice.json()["code"] == "swap_already_offered"
    asked = SwapOffer.objects.get().asks.get(position=1).volunteer
    _t, other_key = create_api_token(asked.user, "phone")
    listed = client.get("/api/v1/replacement-asks", HTTP_AUTHORIZATION=f"Bearer {other_key}").json()
    assert [row["shift"]["id"] for row in listed] == [shift.pk]
    yes = client.post(f"/api/v1/replacement-asks/{listed[0]['id']}/accept", HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert yes.status_code == 200
    assert client.post(f"/api/v1/replacement-asks/{listed[0]['id']}/maybe",
                       HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code in (404, 405)
    again = client.post(f"/api/v1/replacement-asks/{listed[0]['id']}/accept", HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert again.status_code == 409
    withdraw = client.post(f"/api/v1/offers/{made.json()['id']}/withdraw", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert withdraw.status_code == 409  # already taken
