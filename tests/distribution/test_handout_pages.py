"""The hand-out pages: search, the station's answer at the desk, confirm, override, anonymous, delivery;
volunteers kept out; bad input answered with a message."""

import re

import pytest
from django.urls import reverse

from core.models import AuditLog
from core.once import new_token
from distribution.models import Handout
from distribution.models.handouts import HANDOUT_DOCUMENT
from inventory.models import StockMovement
from tests.distribution.days_helpers import day_with_basket, household, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    return prog, day, items


def _lines(*rows):
    """The basket's lines, with the form's one-time token (each call a new form)."""
    data = {"form_token": new_token(), "line-TOTAL_FORMS": str(len(rows)), "line-INITIAL_FORMS": "0",
            "line-MIN_NUM_FORMS": "0", "line-MAX_NUM_FORMS": "40"}
    for n, (item, quantity) in enumerate(rows):
        data[f"line-{n}-item"] = item.pk if item else ""
        data[f"line-{n}-quantity"] = quantity
    return data


def test_search_pick_confirm(staff_client, desk):
    prog, day, items = desk
    hh, card, _code = household(prog, first_name="Αϊσέ", last_name="Χουσεΐν")
    page = staff_client.get(reverse("distribution:handouts"), {"q": "Housein"})
    assert page.status_code == 200
    desk_url = reverse("distribution:handout_desk", args=[hh.pk])
    assert desk_url in page.content.decode()
    page = staff_client.get(desk_url, {"card": card.pk, "location": day.location.pk})
    body = page.content.decode()
    assert page.status_code == 200 and "Αϊσέ" in body and "Ρύζι 1 kg" in body
    assert 'data-testid="confirm-handout"' in body
    assert AuditLog.objects.filter(action="view", content_type__model="household", object_id=str(hh.pk)).exists()
    data = {"programme": prog.pk, "location": day.location.pk, "kind": "emergency", "card": card.pk,
            **_lines((items["rice"], "2"), (items["soap"], "3"), (None, ""))}
    answer = staff_client.post(desk_url, data)
    handout = Handout.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("distribution:handout", args=[handout.pk])
    assert handout.household == hh and handout.card == card and len(handout.basket) == 2
    assert staff_client.get(answer.url).status_code == 200


def test_over_the_limit_the_page_asks_for_a_reason(staff_client, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    url = reverse("distribution:handout_desk", args=[hh.pk])
    data = {"programme": prog.pk, "location": day.location.pk, "kind": "walk_in", **_lines((items["rice"], "1"))}
    staff_client.post(url, data)
    page = staff_client.get(url, {"location": day.location.pk})
    assert "level-bad" in page.content.decode()
    refused = staff_client.post(url, {**data, "form_token": new_token()})
    assert refused.status_code == 200 and Handout.objects.count() == 1
    assert "γράψτε γιατί" in refused.content.decode()
    recorded = staff_client.post(url, {**data, "form_token": new_token(),
                                       "override_reason": "Έξωση, παιδιά χωρίς φαγητό"})
    assert recorded.status_code == 302 and Handout.objects.count() == 2


def test_anonymous_handout_page(staff_client, desk):
    _prog, day, items = desk
    url = reverse("distribution:handout_anonymous")
    assert staff_client.get(url).status_code == 200
    data = {"kind": "emergency", "location": day.location.pk, "reason": "Διερχόμενη οικογένεια", "people": "4",
            "aged_under_18": "2", "women": "1", **_lines((items["rice"], "2"))}
    answer = staff_client.post(url, data)
    assert answer.status_code == 302
    handout = Handout.objects.get()
    assert handout.household is None and handout.people == 4 and handout.aged_under_18 == 2


@pytest.mark.parametrize("bad", [
    {"people": "πολλοί"}, {"people": "0"}, {"people": "100000"}, {"reason": ""}, {"aged_under_18": "9"},
    {"women": "3", "men": "3"}, {"kind": "<script>"}, {"location": "99999"}, {"line-0-quantity": "-1"},
    {"line-0-quantity": "1e999"}, {"line-0-item": "abc"}, {"line-TOTAL_FORMS": "5000"}, {"delivered_by": "1"},
])
def test_bad_anonymous_input_gets_a_message_not_an_error(staff_client, desk, bad):
    _prog, day, items = desk
    data = {"kind": "emergency", "location": day.location.pk, "reason": "έξωση", "people": "4",
            **_lines((items["rice"], "2")), **bad}
    answer = staff_client.post(reverse("distribution:handout_anonymous"), data)
    assert answer.status_code == 200 and Handout.objects.count() == 0


def test_home_delivery_is_marked_delivered(staff_client, staff_user, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    url = reverse("distribution:handout_desk", args=[hh.pk])
    staff_client.post(url, {"programme": prog.pk, "location": day.location.pk, "kind": "home_delivery",
                            "delivered_by": staff_user.pk, **_lines((items["rice"], "1"))})
    handout = Handout.objects.get()
    assert handout.delivered_by == staff_user and handout.delivered_at is None
    staff_client.post(reverse("distribution:handout", args=[handout.pk]))
    handout.refresh_from_db()
    assert handout.delivered_at is not None


@pytest.mark.parametrize("page", ["desk", "anonymous"])
def test_a_hand_out_form_posted_twice_records_once(staff_client, desk, page):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    url = (reverse("distribution:handout_desk", args=[hh.pk]) if page == "desk"
           else reverse("distribution:handout_anonymous"))
    form = staff_client.get(url, {"location": day.location.pk}).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    data = {"programme": prog.pk, "location": day.location.pk, "kind": "walk_in", "reason": "έξωση", "people": "2",
            **_lines((items["rice"], "2")), "form_token": token}
    first, second = staff_client.post(url, data), staff_client.post(url, data, follow=True)
    handout = Handout.objects.get()
    assert first.status_code == 302 and second.redirect_chain[0][0] == first.url == reverse(
        "distribution:handout", args=[handout.pk])
    assert "δεν έγινε δεύτερη φορά" in second.content.decode()
    assert StockMovement.objects.filter(document_type=HANDOUT_DOCUMENT).count() == 1


def test_volunteers_cannot_reach_the_handout_pages(volunteer_client, desk):
    prog, _day, _items = desk
    hh, _card, _code = household(prog)
    for url in (reverse("distribution:handouts"), reverse("distribution:handout_anonymous"),
                reverse("distribution:handout_desk", args=[hh.pk])):
        assert volunteer_client.get(url).status_code == 403


def test_the_household_page_lists_its_hand_outs(staff_client, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    staff_client.post(reverse("distribution:handout_desk", args=[hh.pk]),
                      {"programme": prog.pk, "location": day.location.pk, "kind": "walk_in",
                       **_lines((items["soap"], "2"))})
    handout = Handout.objects.get()
    page = staff_client.get(reverse("distribution:household", args=[hh.pk])).content.decode()
    assert reverse("distribution:handout", args=[handout.pk]) in page and "Σαπούνι × 2" in page


def test_cancelling_a_hand_out_asks_first(staff_client, desk):
    _prog, day, items = desk
    staff_client.post(reverse("distribution:handout_anonymous"),
                      {"kind": "emergency", "location": day.location.pk, "reason": "έξωση", "people": "1",
                       **_lines((items["rice"], "1"))})
    handout = Handout.objects.get()
    url = reverse("distribution:handout_cancel", args=[handout.pk])
    asked = staff_client.post(url, {"reason": "λάθος"})
    assert asked.status_code == 200 and Handout.objects.get().cancelled_at is None
    done = staff_client.post(url, {"reason": "λάθος", "confirmed": "yes"})
    assert done.status_code == 302
    assert Handout.objects.get().cancelled_at is not None
    assert "badge-bad" in staff_client.get(reverse("distribution:handouts")).content.decode()


@pytest.mark.parametrize("since", ["", "2026-13-45", "χθες", "9999-12-31"])
def test_the_list_filters_by_date_and_takes_any_text(staff_client, desk, since):
    _prog, day, items = desk
    staff_client.post(reverse("distribution:handout_anonymous"),
                      {"kind": "walk_in", "location": day.location.pk, "reason": "x", "people": "1",
                       **_lines((items["rice"], "1"))})
    handout = Handout.objects.get()
    page = staff_client.get(reverse("distribution:handouts"), {"since": since, "until": "", "kind": "walk_in"})
    assert page.status_code == 200
    shown = reverse("distribution:handout", args=[handout.pk]) in page.content.decode()
    assert shown == (since != "9999-12-31")
