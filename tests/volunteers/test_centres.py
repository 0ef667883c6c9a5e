"""Volunteers belong to a centre: a person of one centre never reaches another centre's volunteers,
shifts, assignments, swaps, plans, templates or calendar links (each answers 404, and nothing of the
other centre changes), and a person who volunteers at two centres sees each centre's shifts under
the switcher's choice."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.memberships import set_role
from core.models import Membership
from core.services import create_api_token, forget_tokens
from core.tenancy import centre_scope, installation_scope
from tests.factories import CentreFactory, LocationFactory, UserFactory
from volunteers import fairness
from volunteers.models import (
    Assignment,
    ContactChange,
    LocationFeed,
    PlanLine,
    PlanProposal,
    Shift,
    ShiftTemplate,
    Skill,
    SwapAsk,
    SwapOffer,
    Volunteer,
)
from volunteers.services import calendars, planning, roster, signups

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db

MARK = "Καβάλας"  # in every name of centre B's records: no page of centre A may show it


@pytest.fixture
def kavala():
    return CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")


@pytest.fixture
def elsewhere(kavala):
    """Centre B's volunteers, a shift with a confirmed assignment offered for a swap (one candidate
    asked), a proposed plan, a template, a location calendar link and a contact change waiting."""
    with centre_scope(kavala):
        hall = LocationFactory(name=f"Αίθουσα {MARK}")
        zoi = VolunteerFactory(first_name="Ζωή", last_name=MARK, user__role__centre=kavala)
        other = VolunteerFactory(first_name="Άννα", last_name=MARK, user__role__centre=kavala)
        shift = ShiftFactory(location=hall, booked=1)
        assignment = Assignment.objects.create(shift=shift, volunteer=zoi, status=Assignment.Status.CONFIRMED,
                                               starts_at=shift.starts_at, ends_at=shift.ends_at)
        offer = SwapOffer.objects.create(assignment=assignment, shift=shift, volunteer=zoi)
        ask = SwapAsk.objects.create(offer=offer, volunteer=other, position=1, status=SwapAsk.Status.ASKED,
                                     asked_at=timezone.now(), answer_by=timezone.now() + timedelta(hours=6))
        plan = PlanProposal.objects.create(starts_on=date.today(), ends_on=date.today() + timedelta(days=7))
        PlanLine.objects.create(proposal=plan, shift=shift, volunteer=other)
        template = ShiftTemplate.objects.create(name=f"Πρότυπο {MARK}")
        feed = calendars.location_feed(hall)
        change = ContactChange.objects.create(volunteer=zoi, field="phone", new_value="6911111111", nonce_hash="x",
                                              expires_at=timezone.now() + timedelta(hours=1))
        Skill.objects.create(name=f"Δεξιότητα {MARK}")
        assert {zoi.centre, shift.centre, assignment.centre, offer.centre, ask.centre, plan.centre, template.centre,
                feed.centre, change.centre} == {kavala}
    return {"volunteer": zoi, "candidate": other, "shift": shift, "assignment": assignment, "offer": offer,
            "ask": ask, "plan": plan, "template": template, "feed": feed, "hall": hall}


def _unchanged(b):
    with centre_scope(b["shift"].centre):
        assert Volunteer.objects.get(pk=b["volunteer"].pk).status == Volunteer.Status.ACTIVE
        assert Shift.objects.get(pk=b["shift"].pk).cancelled_at is None
        kept = Assignment.objects.get(pk=b["assignment"].pk)
        assert (kept.status, kept.attendance, kept.hours) == (Assignment.Status.CONFIRMED, "unknown", None)
        assert SwapOffer.objects.get(pk=b["offer"].pk).status == SwapOffer.Status.OPEN
        assert SwapAsk.objects.get(pk=b["ask"].pk).status == SwapAsk.Status.ASKED
        assert PlanProposal.objects.get(pk=b["plan"].pk).status == PlanProposal.Status.DRAFT
        assert ShiftTemplate.objects.get(pk=b["template"].pk).name == f"Πρότυπο {MARK}"
        assert LocationFeed.objects.get(pk=b["feed"].pk).token == b["feed"].token
        assert Assignment.objects.count() == 1 and PlanLine.objects.count() == 1


def test_another_centres_volunteer_records_answer_404_to_a_coordinator(coordinator_client, elsewhere):
    b = elsewhere
    volunteer, shift, assignment = b["volunteer"].pk, b["shift"].pk, b["assignment"].pk
    pages = [("volunteer", [volunteer]), ("volunteer_edit", [volunteer]), ("certificate", [volunteer]),
             ("shift", [shift]), ("shift_edit", [shift]), ("shift_cancel", [shift]), ("shift_assign", [shift]),
             ("shift_qr", [shift]), ("plan", [b["plan"].pk]), ("template_edit", [b["template"].pk])]
    for name, args in pages:
        assert coordinator_client.get(reverse(f"volunteers:{name}", args=args)).status_code == 404, name
    posts = [*pages, ("volunteer_action", [volunteer, "approve"]), ("volunteer_action", [volunteer, "send-link"]),
             ("volunteer_action", [volunteer, "anonymise"]), ("shift_approve_hours", [shift]),
             ("shift_message", [shift, "people"]), ("shift_message", [shift, "candidates"]),
             ("plan_fill", [shift]), ("plan_publish", [b["plan"].pk]), ("offer_stop", [b["offer"].pk]),
             ("offer_pick", [b["offer"].pk]), ("location_feed_new", [b["hall"].pk]),
             *[("assignment_action", [assignment, action]) for action in (
                 "approve", "decline", "remove", "present", "no_show", "approve-hours")]]
    for name, args in posts:
        answer = coordinator_client.post(reverse(f"volunteers:{name}", args=args), {
            "confirmed": "1", "text": "Γεια", "volunteer": b["candidate"].pk, "volunteers": [b["candidate"].pk],
            "hours": "3", "name": "Αλλαγή", "reason": "x"})
        assert answer.status_code == 404, name
    # Nor in the lists, the board, the rota, the fairness report or the calendars.
    for name in ("board", "roster", "shifts", "hours", "rota", "fairness", "templates", "plan_new"):
        assert MARK not in coordinator_client.get(reverse(f"volunteers:{name}")).content.decode(), name
    assert MARK not in coordinator_client.get(reverse("volunteers:roster"), {"q": "Ζωή"}).content.decode()
    _unchanged(b)


def test_another_centres_shifts_answer_404_to_a_volunteer(client, elsewhere):
    b = elsewhere
    mine = VolunteerFactory()  # centre A's
    client.force_login(mine.user)
    for name, args in [("my_shift_action", [b["shift"].pk, "take"]), ("my_shift_action", [b["shift"].pk, "leave"]),
                       ("my_offer", [b["assignment"].pk]),
                       ("my_assignment_answer", [b["assignment"].pk, "confirm"]),
                       ("my_assignment_answer", [b["assignment"].pk, "decline"]),
                       ("my_offer_withdraw", [b["offer"].pk]), ("my_swap_answer", [b["ask"].pk, "accept"]),
                       ("my_swap_answer", [b["ask"].pk, "decline"])]:
        answer = client.post(reverse(f"volunteers:{name}", args=args), {"confirmed": "1"})
        assert answer.status_code in (404, 302), name
        if answer.status_code == 302:  # the own pages answer with a refusal on "my shifts"
            assert MARK not in client.get(answer.url).content.decode(), name
    for name, token in [("checkin", b["shift"].checkin_token), ("volunteer_feed", b["volunteer"].calendar_token),
                        ("location_feed", b["feed"].token)]:
        assert client.get(reverse(f"volunteers:{name}", args=[token])).status_code == 404, name
    for name in ("me", "my_rota"):
        assert MARK not in client.get(reverse(f"volunteers:{name}")).content.decode(), name
    _unchanged(b)


def test_another_centres_shifts_are_out_of_reach_of_the_api(client, elsewhere):
    b = elsewhere
    mine = VolunteerFactory()
    _token, key = create_api_token(mine.user, "κινητό")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert b["shift"].pk not in [row["id"] for row in client.get("/api/v1/shifts", **auth).json()]
    for path in (f"/api/v1/shifts/{b['shift'].pk}/take", f"/api/v1/shifts/{b['shift'].pk}/leave",
                 f"/api/v1/shifts/{b['shift'].pk}/offer", f"/api/v1/offers/{b['offer'].pk}/withdraw",
                 f"/api/v1/replacement-asks/{b['ask'].pk}/accept", f"/api/v1/replacement-asks/{b['ask'].pk}/decline"):
        assert client.post(path, {"reason": ""}, content_type="application/json", **auth).status_code == 404, path
    assert client.get("/api/v1/replacement-asks", **auth).json() == []
    forget_tokens()
    _unchanged(b)


def test_a_person_who_volunteers_at_two_centres_sees_each_centres_shifts_under_the_switcher(client, kavala):
    person = UserFactory(role="volunteer")
    here = VolunteerFactory(user=person, first_name="Ελένη", last_name="Σαλή")
    drama = ShiftFactory(location=LocationFactory(name="Αίθουσα Δράμας"))
    Assignment.objects.create(shift=drama, volunteer=here, status=Assignment.Status.CONFIRMED,
                              starts_at=drama.starts_at, ends_at=drama.ends_at)
    with centre_scope(kavala):
        there = VolunteerFactory(user=person, first_name="Ελένη", last_name="Σαλή", email=here.email)
        set_role(person, kavala, "volunteer")
        shift = ShiftFactory(location=LocationFactory(name=f"Αίθουσα {MARK}"))
        Assignment.objects.create(shift=shift, volunteer=there, status=Assignment.Status.CONFIRMED,
                                  starts_at=shift.starts_at, ends_at=shift.ends_at)
    assert here.pk != there.pk and here.user_id == there.user_id
    client.force_login(person)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert "Αίθουσα Δράμας" in page and f"Αίθουσα {MARK}" not in page
    client.post(reverse("core:switch_centre"), {"centre": kavala.pk})
    for name in ("me", "my_rota"):
        page = client.get(reverse(f"volunteers:{name}")).content.decode()
        assert f"Αίθουσα {MARK}" in page and "Αίθουσα Δράμας" not in page, name
    client.post(reverse("core:switch_centre"), {"centre": here.centre_id})
    page = client.get(reverse("volunteers:me")).content.decode()
    assert "Αίθουσα Δράμας" in page and f"Αίθουσα {MARK}" not in page


def test_an_applicant_who_volunteers_at_another_centre_keeps_her_one_account(kavala):
    here = VolunteerFactory(email="eleni@example.org")
    with centre_scope(kavala):
        applicant = Volunteer.objects.create(first_name="Ελένη", last_name="Σαλή", email="ELENI@example.org",
                                             status=Volunteer.Status.APPLICANT)
        roster.approve_application(applicant, by=None)
        applicant.refresh_from_db()
    assert applicant.user_id == here.user_id and applicant.pk != here.pk
    assert dict(Membership.objects.filter(user=here.user).values_list("centre__slug", "role")) == {
        here.centre.slug: "volunteer", "kavala": "volunteer"}
    with centre_scope(kavala):  # she leaves centre B: her account stays, for centre A
        applicant.status = Volunteer.Status.LEFT
        roster.save_profile(applicant, by=None)
        roster.anonymise(applicant, by=None)
    here.user.refresh_from_db()
    assert here.user.is_active and here.user.username != "" and not here.user.username.startswith("anonymised")
    assert list(Membership.objects.filter(user=here.user).values_list("centre__slug", flat=True)) == [
        here.centre.slug]


def test_a_staff_account_is_never_taken_for_a_volunteers_at_another_centre(kavala):
    staff = UserFactory(role="staff", email="maria@example.org")
    VolunteerFactory(email="maria@example.org", user=staff)
    with centre_scope(kavala):
        applicant = Volunteer.objects.create(first_name="Μαρία", last_name="Π", email="maria@example.org",
                                             status=Volunteer.Status.APPLICANT)
        roster.approve_application(applicant, by=None)
        applicant.refresh_from_db()
    assert applicant.user_id != staff.pk


def test_a_volunteer_of_another_centre_asks_for_a_sign_in_link_and_signs_in(client, kavala, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    with centre_scope(kavala):
        zoi = VolunteerFactory(first_name="Ζωή", last_name=MARK, user__role__centre=kavala)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:signin_request"), {"email": zoi.email.upper()})
    (mail,) = [m for m in mailoutbox if zoi.email in m.to]
    link = next(word for word in mail.body.split() if "/sign-in/" in word)
    path = urlsplit(link).path
    assert path.startswith("/c/kavala/volunteers/sign-in/"), "sent in her centre's name, at its address"
    assert client.post(path).status_code == 302
    page = client.get(reverse("volunteers:me")).content.decode()
    assert f"{MARK}" in page  # her one centre, chosen for her


def test_only_this_centres_coordinators_are_told_and_summarised(kavala, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    here = UserFactory(role="coordinator", email="drama@example.org", daily_digest=True)
    there = UserFactory(role="coordinator", role__centre=kavala, email="kavala@example.org", daily_digest=True)
    both = UserFactory(role="coordinator", email="both@example.org", daily_digest=True)
    set_role(both, kavala, "coordinator")
    shift = ShiftFactory(min_people=2, max_people=3, starts_at=timezone.now() + timedelta(days=3))
    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, shift)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signups.leave_shift(volunteer, shift, by=volunteer.user)
    told = sorted(address for m in mailoutbox for address in m.to)
    assert told == ["both@example.org", "drama@example.org"] and there.email not in told
    with centre_scope(kavala):
        ShiftFactory(location=LocationFactory(name=f"Αίθουσα {MARK}"), min_people=1,
                     starts_at=timezone.now() + timedelta(days=2))
    mailoutbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True), installation_scope():  # as the worker runs it
        call_command("send_coordinator_digest", stdout=out)
    summaries = {(m.to[0], m.subject.rsplit("(", 1)[1].rstrip(")")): m.body for m in mailoutbox}
    drama = here.memberships.get().centre.name
    assert sorted(summaries) == [("both@example.org", drama), ("both@example.org", kavala.name),
                                 ("drama@example.org", drama), ("kavala@example.org", kavala.name)]
    assert f"Αίθουσα {MARK}" in summaries["kavala@example.org", kavala.name]
    assert f"Αίθουσα {MARK}" not in summaries["both@example.org", drama]
    assert "kavala: 2 summary(ies) sent." in out.getvalue()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), installation_scope():
        call_command("send_coordinator_digest", "--centre", "kavala", stdout=StringIO())
    assert mailoutbox == [], "once a day per coordinator and centre"
    with pytest.raises(CommandError):
        call_command("send_coordinator_digest", "--centre", "kavala", stdout=StringIO())  # not the test's centre


def test_the_planner_plans_one_centres_shifts_with_its_own_volunteers(kavala, coordinator):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    starts_at = timezone.make_aware(datetime.combine(monday, time(8)))
    with centre_scope(kavala):
        theirs = available_always(VolunteerFactory(first_name="Ζωή", last_name=MARK))
        ShiftFactory(location=LocationFactory(name=f"Αίθουσα {MARK}"), starts_at=starts_at,
                     ends_at=starts_at + timedelta(hours=4), max_people=3)
    mine = available_always(VolunteerFactory())
    shift = ShiftFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=4), max_people=3)
    proposal = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    assert {(line.shift_id, line.volunteer_id) for line in proposal.lines.all()} == {(shift.pk, mine.pk)}
    assert [row.volunteer.pk for row in fairness.rows(monday, monday + timedelta(days=6))] == [mine.pk]
    with centre_scope(kavala):
        assert not PlanProposal.objects.exists() and theirs.assignments.count() == 0
