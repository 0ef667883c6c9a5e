"""Pages per role, the coordinator's board and candidate list, bad input, the selector and template
include for other apps, and the API (list, take, leave) in the OpenAPI document."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from core.services import create_api_token
from tests.factories import UserFactory
from volunteers import selectors
from volunteers.models import Assignment, Certificate, Shift, Skill, VolunteerLanguage
from volunteers.services import signups

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = ["volunteers:board", "volunteers:roster", "volunteers:shifts", "volunteers:shift_new",
                     "volunteers:templates", "volunteers:template_new", "volunteers:hours", "volunteers:volunteer_new"]


def test_coordinator_pages_answer_and_others_are_refused(coordinator_client, client):
    shift = ShiftFactory()
    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, shift)
    urls = [reverse(name) for name in COORDINATOR_PAGES] + [
        reverse("volunteers:shift", args=[shift.pk]), reverse("volunteers:shift_edit", args=[shift.pk]),
        reverse("volunteers:shift_assign", args=[shift.pk]), reverse("volunteers:shift_qr", args=[shift.pk]),
        reverse("volunteers:shift_cancel", args=[shift.pk]), reverse("volunteers:volunteer", args=[volunteer.pk]),
        reverse("volunteers:volunteer_edit", args=[volunteer.pk]), reverse("volunteers:hours") + "?_export=xlsx",
        reverse("volunteers:hours") + "?_export=csv&since=2026-01-01"]
    for url in urls:
        assert coordinator_client.get(url).status_code == 200, url
    for role in ("staff", "volunteer"):
        client.force_login(UserFactory(role=role, username=f"x{role}"))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    client.logout()
    assert client.get(reverse("volunteers:board")).status_code == 302


def test_board_shows_fill_missing_languages_unconfirmed_and_expiring_certificates(coordinator_client):
    coordinator = UserFactory(role="coordinator")
    shift = ShiftFactory(min_people=2, max_people=3, languages_needed=["rom"])
    greek = VolunteerFactory()
    signups.assign(shift, greek, by=coordinator)
    Certificate.objects.create(volunteer=greek, skill=Skill.objects.get(name="Πρώτες βοήθειες"),
                               expires_on=timezone.localdate() + timedelta(days=10))
    rows = selectors.board()
    row = next(r for r in rows if r.shift == shift)
    assert row.state == "bad" and row.unconfirmed == 1 and row.missing_languages == ["Ρομανί"]
    page = coordinator_client.get(reverse("volunteers:board")).content.decode()
    assert "1 / 2–3" in page and "χρειάζεται Ρομανί" in page and "1 χωρίς επιβεβαίωση" in page
    assert "Πρώτες βοήθειες" in page

    romani = available_always(VolunteerFactory())
    VolunteerLanguage.objects.create(volunteer=romani, language="rom", level="native")
    signups.take_shift(romani, shift)
    row = next(r for r in selectors.board() if r.shift == shift)
    assert row.state == "warn" and row.missing_languages == []  # full enough, one still unconfirmed


def test_candidates_are_available_not_busy_bring_what_is_missing_and_least_served_first(coordinator_client):
    shift = ShiftFactory(max_people=3, languages_needed=["rom"])
    speaks = available_always(VolunteerFactory())
    VolunteerLanguage.objects.create(volunteer=speaks, language="rom")
    speaks_busy = available_always(VolunteerFactory())
    VolunteerLanguage.objects.create(volunteer=speaks_busy, language="rom")
    signups.take_shift(speaks_busy, ShiftFactory(starts_at=shift.starts_at + timedelta(hours=1)))
    speaks_never_free = VolunteerFactory()  # no weekly availability
    VolunteerLanguage.objects.create(volunteer=speaks_never_free, language="rom")
    greek_only = available_always(VolunteerFactory())
    found = [c.volunteer for c in selectors.candidates(shift)]
    assert found == [speaks]
    everyone = [c.volunteer for c in selectors.candidates(shift, everyone=True)]
    assert speaks_busy not in everyone and {speaks, speaks_never_free, greek_only} <= set(everyone)
    assert everyone[0] == speaks and everyone[1] == speaks_never_free

    page = coordinator_client.get(reverse("volunteers:shift_assign", args=[shift.pk]))
    assert speaks.full_name in page.content.decode()
    response = coordinator_client.post(reverse("volunteers:shift_assign", args=[shift.pk]),
                                       {"volunteer": speaks.pk}, follow=True)
    assert "ορίστηκε στη βάρδια" in response.content.decode()
    assert Assignment.objects.get(shift=shift, volunteer=speaks).status == "assigned"
    again = coordinator_client.post(reverse("volunteers:shift_assign", args=[shift.pk]),
                                    {"volunteer": speaks.pk}, follow=True)
    assert "είναι ήδη σε αυτή τη βάρδια" in again.content.decode()


def test_new_shift_and_weekly_series_through_the_form_and_bad_input(coordinator_client):
    location = ShiftFactory().location
    day = timezone.localdate() + timedelta(days=2)
    base = {"location": location.pk, "day": day.isoformat(), "start_time": "08:00", "end_time": "12:00",
            "role": "distribution", "min_people": "1", "max_people": "3", "signup_mode": "open",
            "languages_needed": ["rom"]}
    bad = coordinator_client.post(reverse("volunteers:shift_new"), dict(base, end_time="07:00", max_people="0"))
    assert bad.status_code == 200
    assert "πρέπει να τελειώνει μετά" in bad.content.decode()
    response = coordinator_client.post(reverse("volunteers:shift_new"), base)
    assert response.status_code == 302
    response = coordinator_client.post(reverse("volunteers:shift_new"),
                                       dict(base, repeat="weekly", until=(day + timedelta(days=21)).isoformat(),
                                            start_time="13:00", end_time="15:00"))
    assert response.status_code == 302
    assert Shift.objects.filter(series__isnull=False).count() == 4
    series_shift = Shift.objects.filter(series__isnull=False).order_by("starts_at")[1]
    edit = coordinator_client.post(reverse("volunteers:shift_edit", args=[series_shift.pk]), dict(
        base, day=timezone.localtime(series_shift.starts_at).date().isoformat(), start_time="14:00",
        end_time="16:00", scope="following"))
    assert edit.status_code == 302
    hours = sorted(timezone.localtime(s.starts_at).hour for s in Shift.objects.filter(series__isnull=False))
    assert hours == [13, 14, 14, 14]


def test_volunteer_pages_take_leave_confirm(client):
    volunteer = VolunteerFactory()
    coordinator = UserFactory(role="coordinator")
    open_shift = ShiftFactory()
    assigned = ShiftFactory(signup_mode="assigned", starts_at=open_shift.starts_at + timedelta(days=1))
    given = signups.assign(assigned, volunteer, by=coordinator)
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert "Θα έρθω" in page and "Αναλαμβάνω τη βάρδια" in page
    client.post(reverse("volunteers:my_shift_action", args=[open_shift.pk, "take"]))
    assert Assignment.objects.get(shift=open_shift).status == "confirmed"
    client.post(reverse("volunteers:my_assignment_answer", args=[given.pk, "confirm"]))
    assert Assignment.objects.get(pk=given.pk).status == "confirmed"
    client.post(reverse("volunteers:my_shift_action", args=[open_shift.pk, "leave"]), {"confirmed": "yes"})
    assert Assignment.objects.get(shift=open_shift).status == "cancelled"
    # someone else's assignment is not reachable
    other = VolunteerFactory()
    client.force_login(other.user)
    assert client.post(reverse("volunteers:my_assignment_answer", args=[given.pk, "decline"])).status_code == 404
    plain = UserFactory(role="volunteer", username="noprofile")
    client.force_login(plain)
    assert "δεν συνδέεται με προφίλ" in client.get(reverse("volunteers:me")).content.decode()


def test_shifts_at_selector_and_template_include_for_other_apps(coordinator):
    shift = ShiftFactory(min_people=1)
    VolunteerFactory()
    elsewhere = ShiftFactory()
    day_start = shift.starts_at - timedelta(hours=1)
    day_end = shift.starts_at + timedelta(hours=1)
    assert list(selectors.shifts_at(shift.location, day_start, day_end)) == [shift]
    assert elsewhere not in selectors.shifts_at(shift.location.pk, day_start, day_end)
    volunteer = VolunteerFactory(first_name="Σοφία")
    signups.take_shift(volunteer, shift)
    html = Template("{% load volunteers_tags %}{% shifts_at location start end %}").render(Context({
        "location": shift.location, "start": day_start, "end": day_end, "user_role": "coordinator"}))
    assert "Σοφία" in html and "1 / 1–2" in html and f"/volunteers/shifts/{shift.pk}/" in html


def test_api_list_take_leave_and_openapi(client):
    volunteer = VolunteerFactory()
    open_shift = ShiftFactory(max_people=1)
    hidden = ShiftFactory(signup_mode="assigned")
    _token, key = create_api_token(volunteer.user, "phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listed = client.get("/api/v1/shifts", **auth).json()
    assert [s["id"] for s in listed] == [open_shift.pk]
    assert listed[0]["free_places"] == 1 and listed[0]["my_status"] is None
    taken = client.post(f"/api/v1/shifts/{open_shift.pk}/take", **auth)
    assert taken.status_code == 200 and taken.json() == {"shift_id": open_shift.pk, "status": "confirmed"}
    other = VolunteerFactory()
    _t, other_key = create_api_token(other.user, "phone")
    full = client.post(f"/api/v1/shifts/{open_shift.pk}/take", HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert full.status_code == 409 and "πλήρης" in full.json()["message"]
    assert client.post(f"/api/v1/shifts/{hidden.pk}/take", **auth).status_code == 409
    assert client.post(f"/api/v1/shifts/{open_shift.pk}/leave", **auth).json()["status"] == "cancelled"
    assert client.get("/api/v1/shifts").status_code == 401
    staffer = UserFactory(role="staff", username="staffapi")
    _t, staff_key = create_api_token(staffer, "desk")
    assert client.post(f"/api/v1/shifts/{open_shift.pk}/take",
                       HTTP_AUTHORIZATION=f"Bearer {staff_key}").status_code == 403
    assert client.get("/api/v1/shifts?since=not-a-date", **auth).status_code == 400
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/shifts", "/api/v1/shifts/{shift_id}/take", "/api/v1/shifts/{shift_id}/leave"} <= set(
        schema["paths"])


def test_attendance_ticks_and_hours_approval_through_the_shift_page(coordinator_client):
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2, minutes=20))
    came, missed = VolunteerFactory(), VolunteerFactory()
    signups.take_shift(came, shift)
    signups.take_shift(missed, shift)
    a_came = Assignment.objects.get(volunteer=came)
    a_missed = Assignment.objects.get(volunteer=missed)
    coordinator_client.post(reverse("volunteers:assignment_action", args=[a_came.pk, "present"]))
    coordinator_client.post(reverse("volunteers:assignment_action", args=[a_missed.pk, "no_show"]))
    bad = coordinator_client.post(reverse("volunteers:assignment_action", args=[a_came.pk, "approve-hours"]),
                                  {"hours": "99"}, follow=True)
    assert "από 0 έως 24" in bad.content.decode()
    coordinator_client.post(reverse("volunteers:assignment_action", args=[a_came.pk, "approve-hours"]),
                            {"hours": "1.75"})
    a_came.refresh_from_db()
    a_missed.refresh_from_db()
    assert a_came.hours_approved_at and str(a_came.hours) == "1.75"
    assert a_missed.attendance == "no_show" and a_missed.hours == 0
    export = coordinator_client.get(reverse("volunteers:hours") + "?_export=csv").content.decode()
    assert came.last_name in export and "1.75" in export


def test_template_edit_and_apply_through_the_pages(coordinator_client):
    location = ShiftFactory().location
    data = {"name": "Εκδήλωση στο Παράρτημα", "description": "",
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-start_time": "17:00", "lines-0-end_time": "20:00", "lines-0-role": "event",
            "lines-0-min_people": "2", "lines-0-max_people": "4", "lines-0-signup_mode": "open",
            "lines-0-languages_needed": ["rom"],
            "lines-1-start_time": "16:00", "lines-1-end_time": "17:00", "lines-1-role": "reception",
            "lines-1-min_people": "1", "lines-1-max_people": "1", "lines-1-signup_mode": "assigned"}
    assert coordinator_client.post(reverse("volunteers:template_new"), data).status_code == 302
    from volunteers.models import ShiftTemplate

    template = ShiftTemplate.objects.get(name="Εκδήλωση στο Παράρτημα")
    assert template.lines.count() == 2
    day = timezone.localdate() + timedelta(days=4)
    response = coordinator_client.post(reverse("volunteers:templates"), {
        "template": template.pk, "location": location.pk, "day": day.isoformat()})
    assert response.status_code == 302
    made = Shift.objects.filter(location=location, starts_at__date=day).order_by("starts_at")
    assert [(timezone.localtime(s.starts_at).hour, s.role, s.languages_needed) for s in made] == [
        (16, "reception", []), (17, "event", ["rom"])]


def test_cancel_and_message_through_the_pages(coordinator_client, mailoutbox, django_capture_on_commit_callbacks):
    shift = ShiftFactory(max_people=3)
    on_it = VolunteerFactory()
    signups.take_shift(on_it, shift)
    free = available_always(VolunteerFactory())
    response = coordinator_client.post(reverse("volunteers:shift_message", args=[shift.pk, "shift"]), {"text": ""},
                                       follow=True)
    assert "Γράψτε πρώτα το μήνυμα" in response.content.decode()
    coordinator_client.post(reverse("volunteers:shift_message", args=[shift.pk, "candidates"]),
                            {"text": "Λείπει ένα άτομο αύριο"})
    assert [m.to for m in mailoutbox] == [[free.email]]
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("volunteers:shift_cancel", args=[shift.pk]), {"scope": "one"})
    shift.refresh_from_db()
    assert shift.cancelled_at is not None and shift.booked == 0
    assert mailoutbox[-1].to == [on_it.email] and mailoutbox[-1].subject == "Η βάρδια ακυρώθηκε"


def test_api_coordinator_sees_all_shifts_with_filters(client, coordinator):
    shift = ShiftFactory(signup_mode="assigned")
    ShiftFactory()
    _t, key = create_api_token(coordinator, "desk")
    listed = client.get(f"/api/v1/shifts?location={shift.location_id}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [s["id"] for s in listed] == [shift.pk] and listed[0]["signup_mode"] == "assigned"


def test_a_volunteer_changes_their_own_details_and_nothing_else(client):
    from core.models import AuditLog
    from volunteers.models import Volunteer

    volunteer = VolunteerFactory(notes="αξιόπιστη", availability_notes="")
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert reverse("volunteers:my_details") in page
    assert client.get(reverse("volunteers:my_details")).status_code == 200
    response = client.post(reverse("volunteers:my_details"), {
        "email": "nea@example.org", "phone": "6977777777", "language": "en", "address": "Δράμα",
        "emergency_name": "Μαρία", "emergency_phone": "6900000000", "availability_notes": "Σάββατα",
        # not theirs to change: ignored
        "first_name": "Άλλο", "status": "left", "notes": "τίποτα",
    })
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:me")
    volunteer = Volunteer.objects.get(pk=volunteer.pk)
    # The new e-mail and phone wait for their confirmation from the new address (test_signin_and_contacts).
    old_email, old_phone = volunteer.email, volunteer.phone
    assert (volunteer.language, volunteer.availability_notes) == ("en", "Σάββατα")
    assert sorted(volunteer.contact_changes.values_list("field", "new_value")) == [
        ("email", "nea@example.org"), ("phone", "6977777777")]
    assert (volunteer.email, volunteer.phone) != ("nea@example.org", "6977777777")
    assert (volunteer.first_name, volunteer.status, volunteer.notes) != ("Άλλο", "left", "τίποτα")
    assert volunteer.notes == "αξιόπιστη" and volunteer.status == Volunteer.Status.ACTIVE
    volunteer.user.refresh_from_db()
    assert (volunteer.user.email, volunteer.user.phone, volunteer.user.language) == (old_email, old_phone, "en")
    entry = AuditLog.objects.filter(object_id=str(volunteer.pk), user=volunteer.user).latest("at")
    assert "availability_notes" in entry.changes["fields"] and "Σάββατα" not in str(entry.changes)
    # bad input: a clear message, nothing saved
    bad = client.post(reverse("volunteers:my_details"), {"email": "όχι-email", "phone": "", "language": "el"})
    assert bad.status_code == 200 and "email" in bad.context["form"].errors
    assert Volunteer.objects.get(pk=volunteer.pk).email == old_email


def test_my_details_needs_a_volunteer_profile(client):
    assert client.get(reverse("volunteers:my_details")).status_code == 302  # signed out
    client.force_login(UserFactory(role="volunteer", username="noprofile2"))
    assert "δεν συνδέεται με προφίλ" in client.get(reverse("volunteers:my_details")).content.decode()


def test_a_message_too_long_comes_back_with_what_was_typed(coordinator_client, mailoutbox):
    shift = ShiftFactory()
    text = "Χρειαζόμαστε βοήθεια " * 40  # 840 characters, over the 600 an SMS-friendly message may have
    response = coordinator_client.post(reverse("volunteers:shift_message", args=[shift.pk, "candidates"]),
                                       {"text": text})
    page = response.content.decode()
    assert response.status_code == 200 and text.strip() in page and "600" in page
    assert mailoutbox == []
