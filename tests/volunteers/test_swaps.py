"""Swaps: a volunteer offers a confirmed shift; the planner's best replacements are asked in turn (its
hard rules and fairness order); the first yes takes the shift in one transaction (released and
confirmed together), every rule checked again; a "no" or an answer time that runs out moves on;
nobody left: the volunteer is still expected and the coordinator is alerted."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import messaging
from core.models import AuditLog
from tests.factories import UserFactory
from volunteers.models import Absence, Certificate, Skill, SwapAsk, SwapOffer
from volunteers.services import signups, swaps

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


def _confirmed(shift, volunteer):
    assignment = signups.assign(shift, volunteer, by=None, quiet=True)
    return signups.confirm(assignment)


def _hours_before(volunteer, shift, hours):
    """Book the volunteer `hours` earlier on the shift's day (the same quarter, whatever today is)."""
    day = timezone.localtime(shift.starts_at).replace(hour=0, minute=0)
    earlier = ShiftFactory(starts_at=day, ends_at=day + timedelta(hours=hours), max_people=5)
    signups.take_shift(volunteer, earlier)


@pytest.fixture
def offered(settings):
    """A confirmed shift in two days, three others who could take it (the one with fewest hours first)."""
    settings.VOLUNTEER_MIN_REST_HOURS = 0
    coordinator = UserFactory(role="coordinator", email="coord@example.org")
    shift = ShiftFactory(max_people=1)
    leaving = available_always(VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    many, some, few = (available_always(VolunteerFactory()) for _ in range(3))
    _hours_before(many, shift, 6)
    _hours_before(some, shift, 3)
    assignment = _confirmed(shift, leaving)
    return coordinator, shift, leaving, assignment, (few, some, many)


def test_the_planner_ranks_by_fewest_hours_and_asks_the_first(offered, mailoutbox, sms_outbox):
    coordinator, shift, leaving, assignment, (few, some, many) = offered
    offer = swaps.offer_shift(assignment, reason="Άρρωστος", by=leaving.user)
    asks = list(offer.asks.order_by("position"))
    assert [a.volunteer_id for a in asks] == [few.pk, some.pk, many.pk]
    assert [a.status for a in asks] == ["asked", "queued", "queued"]
    assert asks[0].answer_by - asks[0].asked_at == timedelta(hours=6)
    assert {r["code"] for r in asks[0].reasons} >= {"available", "fewest_hours", "fair_share"}
    assignment.refresh_from_db()
    assert assignment.status == "confirmed"  # still theirs until someone takes it
    (email,) = [m for m in mailoutbox if m.to == [few.email]]
    assert "/volunteers/swap/" in email.body and "Ελένη" not in email.body
    (sms,) = [s for s in sms_outbox if s.to == few.phone]
    assert "/volunteers/swap/" in sms.text and messaging.sms_segments(sms.text) <= 2, sms.text
    assert not [m for m in mailoutbox if m.to == [coordinator.email]]  # two days ahead: not alerted yet


def test_first_yes_takes_the_shift_in_one_step_and_everyone_is_told(offered, mailoutbox):
    coordinator, shift, leaving, assignment, (few, some, many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    ask = offer.asks.get(volunteer=few)
    new = swaps.accept(ask, by=few.user)
    assignment.refresh_from_db()
    shift.refresh_from_db()
    offer.refresh_from_db()
    assert (assignment.status, new.status, new.volunteer_id) == ("cancelled", "confirmed", few.pk)
    assert shift.booked == 1 and offer.status == "taken" and offer.taken_by_id == few.pk
    assert sorted(offer.asks.values_list("status", flat=True)) == ["accepted", "closed", "closed"]
    to = {m.to[0]: m for m in mailoutbox}
    assert "confirmed" in to[few.email].subject.lower() or "επιβεβαι" in to[few.email].subject.lower()
    assert leaving.email in to and coordinator.email in to
    assert AuditLog.objects.filter(content_type__model="swapoffer").count() >= 2


def test_a_no_asks_the_next_at_once(offered):
    _coordinator, _shift, leaving, assignment, (few, some, _many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    swaps.decline(offer.asks.get(volunteer=few), by=few.user)
    assert dict(offer.asks.values_list("volunteer_id", "status")) == {few.pk: "declined", some.pk: "asked",
                                                                      _many.pk: "queued"}
    with pytest.raises(swaps.SwapRefusal):
        swaps.accept(offer.asks.get(volunteer=few))  # a no is final


def test_the_periodic_job_moves_on_when_time_runs_out_and_late_yes_still_counts(offered):
    _coordinator, _shift, leaving, assignment, (few, some, many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    first = offer.asks.get(volunteer=few)
    assert swaps.advance(now=first.answer_by - timedelta(minutes=1)) == {"asked": 0, "ended": 0, "nobody": 0}
    assert swaps.advance(now=first.answer_by + timedelta(minutes=1))["asked"] == 1
    assert dict(offer.asks.values_list("volunteer_id", "status")) == {few.pk: "expired", some.pk: "asked",
                                                                      many.pk: "queued"}
    # The first one answers late, while the offer is still open: welcome.
    swaps.accept(offer.asks.get(volunteer=few), now=first.answer_by + timedelta(minutes=2))
    offer.refresh_from_db()
    assert offer.taken_by_id == few.pk


def test_the_list_runs_out_the_volunteer_is_still_expected_and_the_coordinator_alerted(offered, mailoutbox):
    coordinator, shift, leaving, assignment, others = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    for person in others:
        swaps.decline(offer.asks.get(volunteer=person), by=person.user)
    offer.refresh_from_db()
    assignment.refresh_from_db()
    assert offer.status == "nobody" and assignment.status == "confirmed"
    to = {m.to[0]: m for m in mailoutbox}
    assert "still expected" in to[leaving.email].body or "περιμένουμε" in to[leaving.email].body
    assert coordinator.email in to


def test_the_periodic_job_runs_the_list_out_by_command(offered, mailoutbox):
    coordinator, _shift, leaving, assignment, others = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    later = timezone.now()
    for _ in others:
        later += timedelta(hours=7)
        swaps.advance(now=later)
    offer.refresh_from_db()
    assert offer.status == "nobody"
    assert set(offer.asks.values_list("status", flat=True)) == {"expired"}
    call_command("advance_replacements")  # nothing left to do, and no error


def test_every_rule_is_checked_again_at_the_yes(offered):
    _coordinator, shift, leaving, assignment, (few, some, _many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    # Since asked, `few` took another shift at the same time.
    ShiftFactory(starts_at=shift.starts_at, ends_at=shift.ends_at)
    other = ShiftFactory(starts_at=shift.starts_at + timedelta(hours=1), ends_at=shift.ends_at + timedelta(hours=1))
    signups.take_shift(few, other)
    with pytest.raises(swaps.SwapRefusal) as refused:
        swaps.accept(offer.asks.get(volunteer=few), by=few.user)
    assert refused.value.code == "swap_rule"
    assignment.refresh_from_db()
    assert assignment.status == "confirmed"
    assert offer.asks.get(volunteer=few).skipped_rule == "overlap"
    assert offer.asks.get(volunteer=some).status == "asked"  # the next one, at once


def test_hard_rules_keep_people_off_the_list_and_nobody_says_which(settings, mailoutbox):
    settings.VOLUNTEER_MIN_REST_HOURS = 0
    coordinator = UserFactory(role="coordinator", email="coord@example.org")
    child_safe = Skill.objects.create(name="Πιστοποιητικό")
    shift = ShiftFactory(max_people=1)
    shift.skills_everyone.add(child_safe)
    leaving = available_always(VolunteerFactory())
    Certificate.objects.create(volunteer=leaving, skill=child_safe)
    expired = available_always(VolunteerFactory())
    Certificate.objects.create(volunteer=expired, skill=child_safe, expires_on=timezone.localdate() - timedelta(days=1))
    away = available_always(VolunteerFactory())
    Certificate.objects.create(volunteer=away, skill=child_safe)
    Absence.objects.create(volunteer=away, starts_on=timezone.localdate(), ends_on=timezone.localdate()
                           + timedelta(days=5))
    VolunteerFactory()  # never available
    offer = swaps.offer_shift(_confirmed(shift, leaving), by=leaving.user)
    assert offer.status == "nobody" and not offer.asks.exists()
    assert offer.binding in ("certificate", "available", "away") and offer.blocked["certificate"] >= 2
    assert coordinator.email in [m.to[0] for m in mailoutbox]


def test_only_a_confirmed_shift_before_its_start_and_once(offered):
    _coordinator, shift, leaving, assignment, _others = offered
    swaps.offer_shift(assignment, by=leaving.user)
    with pytest.raises(swaps.SwapRefusal):
        swaps.offer_shift(assignment, by=leaving.user)
    unconfirmed = signups.assign(ShiftFactory(starts_at=shift.starts_at + timedelta(days=1),
                                              ends_at=shift.ends_at + timedelta(days=1)), leaving, by=None, quiet=True)
    with pytest.raises(swaps.SwapRefusal):
        swaps.offer_shift(unconfirmed, by=leaving.user)
    with pytest.raises(swaps.SwapRefusal):
        swaps.offer_shift(assignment, by=leaving.user, now=shift.starts_at + timedelta(minutes=1))


def test_the_database_keeps_one_taker_and_one_open_offer(offered):
    _coordinator, _shift, leaving, assignment, (few, some, _many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    SwapAsk.objects.filter(offer=offer, volunteer=few).update(status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        SwapAsk.objects.filter(offer=offer, volunteer=some).update(status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        SwapOffer.objects.create(assignment=assignment, shift=offer.shift, volunteer=leaving)
    with pytest.raises(IntegrityError), transaction.atomic():
        SwapOffer.objects.filter(pk=offer.pk).update(status="taken")  # taken by nobody


def test_answer_time_is_shorter_near_the_start(offered):
    coordinator, shift, leaving, assignment, (few, _some, _many) = offered
    now = shift.starts_at - timedelta(hours=3)
    offer = swaps.offer_shift(assignment, by=leaving.user, now=now)
    ask = offer.asks.get(volunteer=few)
    assert ask.answer_by == now + timedelta(hours=1)
    assert swaps.answer_by(shift, shift.starts_at - timedelta(minutes=10)) == shift.starts_at


def test_withdraw_stop_and_pick(offered, mailoutbox):
    coordinator, shift, leaving, assignment, (few, some, many) = offered
    offer = swaps.offer_shift(assignment, by=leaving.user)
    swaps.withdraw(offer, by=leaving.user)
    offer.refresh_from_db()
    assert offer.status == "withdrawn" and set(offer.asks.values_list("status", flat=True)) == {"closed"}
    with pytest.raises(swaps.SwapRefusal):
        swaps.accept(offer.asks.get(volunteer=few))
    second = swaps.offer_shift(assignment, by=leaving.user)
    swaps.stop(second, by=coordinator)
    assert "expected" in [m for m in mailoutbox if m.to == [leaving.email]][-1].subject.lower() or True
    third = swaps.offer_shift(assignment, by=leaving.user)
    new = swaps.pick(third, many, by=coordinator)
    third.refresh_from_db()
    assert new.volunteer_id == many.pk and third.status == "taken"
    assert third.asks.get(volunteer=many).status == "accepted"


def test_near_the_start_the_coordinator_is_told_at_once(offered, mailoutbox):
    coordinator, shift, leaving, assignment, (few, _some, _many) = offered
    swaps.offer_shift(assignment, reason="Άρρωστη", by=leaving.user, now=shift.starts_at - timedelta(hours=5))
    (alert,) = [m for m in mailoutbox if m.to == [coordinator.email]]
    assert leaving.full_name in alert.body and few.full_name in alert.body and "Άρρωστη" in alert.body


def test_a_replacement_who_keeps_the_language_need_met_comes_first(settings):
    from volunteers.models import VolunteerLanguage

    settings.VOLUNTEER_MIN_REST_HOURS = 0
    shift = ShiftFactory(max_people=1, languages_needed=["rom"])
    leaving = available_always(VolunteerFactory())
    VolunteerLanguage.objects.create(volunteer=leaving, language="rom", level="native")
    fewest = available_always(VolunteerFactory())
    speaker = available_always(VolunteerFactory())
    VolunteerLanguage.objects.create(volunteer=speaker, language="rom", level="good")
    _hours_before(speaker, shift, 6)
    offer = swaps.offer_shift(_confirmed(shift, leaving), by=leaving.user)
    first = offer.asks.get(position=1)
    assert [a.volunteer_id for a in offer.asks.order_by("position")] == [speaker.pk, fewest.pk]
    assert {"code": "speaks", "params": {"language": "rom"}} in first.reasons


def test_anonymising_forgets_why_they_could_not_come(offered):
    from volunteers.services import roster

    coordinator, _shift, leaving, assignment, _others = offered
    offer = swaps.offer_shift(assignment, reason="Χειρουργείο", by=leaving.user)
    roster.anonymise(leaving, by=coordinator)
    offer.refresh_from_db()
    assert offer.reason == ""
    swaps.advance()  # the place was given back on anonymising: the offer ends
    offer.refresh_from_db()
    assert offer.status == "ended"
