"""Volunteer demo data: about 25 volunteers (Greek and Roma names, Romani and Turkish speakers),
certificates, weekly availability, a weekly series and distribution-day shifts at both sites over
the next weeks, some assignments and some past shifts with approved hours. A smaller centre
(ctx.scale) gets a handful of volunteers of its own and fewer shifts, at its site. The demo
volunteer accounts of the centre (core.demo) get their volunteer record. Idempotent."""

from datetime import time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from core import demo as core_demo
from core.memberships import members
from core.models import Centre, Location
from core.tenancy import scopes_disabled

from .models import (
    Assignment,
    Availability,
    Certificate,
    Shift,
    ShiftTemplate,
    ShiftTemplateLine,
    Skill,
    Volunteer,
    VolunteerLanguage,
)
from .services import roster, shifts, signups

MARKER = "@ethelontes.example.org"
PEOPLE = [
    # first, last, languages (code, level), language for messages
    ("Γιώργος", "Καραγιάννης", [("el", "native"), ("en", "good")], "el"),
    ("Ελένη", "Σαλή", [("el", "native"), ("rom", "native"), ("tr", "good")], "el"),
    ("Αϊσέ", "Μουσταφά", [("rom", "native"), ("tr", "native"), ("el", "fluent")], "el"),
    ("Μεχμέτ", "Χασάν", [("tr", "native"), ("rom", "fluent"), ("el", "good")], "el"),
    ("Σοφία", "Δημητρίου", [("el", "native"), ("en", "fluent")], "el"),
    ("Νίκος", "Παπαδόπουλος", [("el", "native")], "el"),
    ("Μαρία", "Αλιόγλου", [("el", "native"), ("tr", "good")], "el"),
    ("Δημήτρης", "Κωνσταντινίδης", [("el", "native"), ("ru", "fluent")], "el"),
    ("Φατμέ", "Ιμάμ", [("rom", "native"), ("tr", "fluent"), ("el", "good")], "el"),
    ("Σαμπρί", "Ρουσέν", [("rom", "native"), ("el", "fluent")], "el"),
    ("Κατερίνα", "Ιωαννίδου", [("el", "native"), ("en", "good"), ("de", "basic")], "el"),
    ("Αχμέτ", "Καραμάν", [("tr", "native"), ("ar", "good"), ("el", "basic")], "el"),
    ("Ραμαζάν", "Μεμέτ", [("rom", "native"), ("tr", "good"), ("el", "good")], "el"),
    ("Αναστασία", "Γεωργιάδου", [("el", "native"), ("ka", "native"), ("ru", "fluent")], "el"),
    ("Βασίλης", "Τσολάκης", [("el", "native"), ("bg", "good")], "el"),
    ("Ζεϊνέπ", "Οσμάν", [("tr", "native"), ("rom", "good"), ("el", "fluent")], "el"),
    ("Αλεξάνδρα", "Μαυρίδου", [("el", "native"), ("sq", "fluent")], "el"),
    ("Χρήστος", "Στεφανίδης", [("el", "native"), ("en", "fluent")], "en"),
    ("Λεϊλά", "Ραχίμι", [("fa", "native"), ("en", "good"), ("el", "basic")], "en"),
    ("Ομάρ", "Χαλίλ", [("ar", "native"), ("en", "fluent"), ("el", "basic")], "en"),
    ("Παναγιώτα", "Αθανασίου", [("el", "native")], "el"),
    ("Γιουσούφ", "Αλή", [("rom", "native"), ("tr", "fluent"), ("el", "good")], "el"),
    ("Ευαγγελία", "Παπαναστασίου", [("el", "native"), ("bg", "basic")], "el"),
    ("Κεμάλ", "Σουλεϊμάν", [("tr", "native"), ("rom", "good")], "el"),
    ("Ιρίνα", "Πετρόβα", [("ru", "native"), ("bg", "fluent"), ("el", "good")], "el"),
    ("Στέλιος", "Χατζηγεωργίου", [("el", "native"), ("en", "good")], "el"),
]
# A smaller centre's volunteers are drawn from these (after its demo volunteer accounts' own people).
MORE_PEOPLE = [
    ("Αντώνης", "Κεχαγιάς", [("el", "native"), ("en", "good")], "el"),
    ("Χρυσούλα", "Πασχαλίδου", [("el", "native")], "el"),
    ("Θεόδωρος", "Σιδηρόπουλος", [("el", "native"), ("de", "good")], "el"),
    ("Δέσποινα", "Θεοδωρίδου", [("el", "native"), ("en", "fluent")], "el"),
    ("Μπαϊράμ", "Τσακίρης", [("rom", "native"), ("tr", "good"), ("el", "fluent")], "el"),
    ("Στυλιανή", "Οικονόμου", [("el", "native"), ("bg", "good")], "el"),
    ("Ηλίας", "Κουτσούκης", [("el", "native")], "el"),
    ("Σεβγκιούλ", "Μπεκήρ", [("tr", "native"), ("el", "fluent")], "el"),
    ("Ευάγγελος", "Γεωργιάδης", [("el", "native"), ("en", "good")], "el"),
    ("Αγγελική", "Δημητρίου", [("el", "native"), ("ru", "basic")], "el"),
]


def _people(ctx):
    """The centre's volunteers: the full list, or a smaller centre's few (its demo volunteer accounts'
    people first, then some drawn from MORE_PEOPLE)."""
    if ctx.scale >= 1:
        return PEOPLE
    own = [(first, last, [("el", "native")], "el")
           for role, _username, first, last in core_demo.people() if role == "volunteer"]
    with scopes_disabled():  # not someone another centre already has (one person, one town)
        taken = set(Volunteer.objects.values_list("first_name", "last_name"))
    pool = [person for person in MORE_PEOPLE if person[:2] not in taken]
    return own + ctx.rng.sample(pool, k=min(len(pool), ctx.size(len(PEOPLE))))


def _email(index):
    """Keyed by their place in the list; another centre's are its own (its v00 is another person, who
    must not be given the first centre's v00's account)."""
    centre = Centre.current()
    prefix = "" if centre.pk == Centre.first().pk else f"{centre.slug}-"
    return f"{prefix}v{index:02d}{MARKER}"


def _volunteer(ctx, index, total, first, last, languages, language, skills):
    email = _email(index)
    volunteer = Volunteer.objects.filter(email=email).first()
    if volunteer is not None:
        return volunteer, False
    # The last two (one, in a smaller centre) applied and wait for approval; one has paused.
    status = Volunteer.Status.APPLICANT if index >= total - ctx.size(2) else (
        Volunteer.Status.PAUSED if index == total - 6 and total > 10 else Volunteer.Status.ACTIVE)
    volunteer = Volunteer(first_name=first, last_name=last, email=email, phone=f"69{ctx.rng.randint(10**7, 10**8-1)}",
                          language=language, status=status, consent_text=roster.consent_text(),
                          consent_at=timezone.now() - timedelta(days=ctx.rng.randint(30, 400)),
                          emergency_name=f"{ctx.rng.choice(['Άννα', 'Κώστας', 'Σεβγκιούλ', 'Ιμπραήμ'])} {last}",
                          emergency_phone=f"69{ctx.rng.randint(10**7, 10**8-1)}",
                          address=ctx.rng.choice(core_demo.place()["addresses"]))
    volunteer.save()
    for code, level in languages:
        VolunteerLanguage.objects.create(volunteer=volunteer, language=code, level=level)
    today = timezone.localdate()
    for skill in ctx.rng.sample(skills, k=ctx.rng.randint(0, 2)):
        expires = today + timedelta(days=ctx.rng.randint(-20, 700)) if skill.expires else None
        Certificate.objects.create(volunteer=volunteer, skill=skill, expires_on=expires)
    for weekday in ctx.rng.sample(range(5), k=ctx.rng.randint(1, 4)):
        morning = ctx.rng.random() < 0.7
        Availability.objects.create(volunteer=volunteer, weekday=weekday,
                                    start_time=time(7, 30) if morning else time(11),
                                    end_time=time(13) if morning else time(16))
    return volunteer, True


def _account(volunteer):
    """Give an active demo volunteer an account (like an approved application), without e-mails."""
    if volunteer.user_id is None and volunteer.status != Volunteer.Status.APPLICANT:
        roster._ensure_account(volunteer, by=None)
        volunteer.approved_at = timezone.now()
        volunteer.save(update_fields=["user", "approved_at"])


def _past_shift(ctx, location, day, start, end, role, people, coordinator):
    starts_at, ends_at = shifts.span(day, start, end)
    shift = Shift.objects.create(location=location, starts_at=starts_at, ends_at=ends_at, role=role,
                                 min_people=2, max_people=max(len(people), 2))
    for volunteer in people:
        came = ctx.rng.random() < 0.85
        Assignment.objects.create(
            shift=shift, volunteer=volunteer, person_id=volunteer.user_id, status=Assignment.Status.CONFIRMED,
            starts_at=starts_at,
            ends_at=ends_at, attendance=Assignment.Attendance.PRESENT if came else Assignment.Attendance.NO_SHOW,
            checked_in_at=starts_at if came else None, hours=shift.hours if came else Decimal("0"),
            hours_approved_at=ends_at if came and day < timezone.localdate() - timedelta(days=3) else None,
            hours_approved_by=coordinator if came else None)
    Shift.objects.filter(pk=shift.pk).update(booked=len(people))


def load(ctx):
    centre = Location.objects.filter(kind=Location.Kind.SITE).order_by("pk").first()
    branch = Location.objects.filter(kind=Location.Kind.BRANCH).order_by("pk").first()  # Drama's Roma branch
    if centre is None:
        ctx.say("volunteers: the centre's site is missing (core demo); skipped.")
        return
    store = Location.objects.filter(kind=Location.Kind.STORE).first() or centre
    coordinator = members("coordinator").order_by("pk").first()
    skills = list(Skill.objects.all())
    created = []
    volunteers = []
    people = _people(ctx)
    for index, (first, last, languages, language) in enumerate(people):
        volunteer, new = _volunteer(ctx, index, len(people), first, last, languages, language, skills)
        volunteers.append(volunteer)
        if new:
            created.append(volunteer)
    # The centre's demo volunteer accounts are the volunteers of the same name.
    logins = [(username, first, last) for role, username, first, last in core_demo.people() if role == "volunteer"]
    for username, first, last in logins:
        user = get_user_model().objects.filter(username=username).first()
        volunteer = next((v for v in volunteers if v.first_name == first and v.last_name == last), None)
        if (user is not None and volunteer is not None and volunteer.user_id is None
                and not Volunteer.objects.filter(user=user).exists()):
            roster.link_user(volunteer, user)
    for volunteer in volunteers:
        _account(volunteer)
    if not created:
        return
    active = [v for v in volunteers if v.status == Volunteer.Status.ACTIVE]
    romani = [v for v in active if any(lang.language == "rom" for lang in v.languages.all())]
    _shifts(ctx, centre, branch, store, coordinator, skills, active, romani, volunteers[:len(logins)])
    ctx.say(f"volunteers: {len(created)} volunteers, {Shift.objects.count()} shifts, "
            f"{Assignment.objects.count()} assignments.")


def _shifts(ctx, centre, branch, store, coordinator, skills, active, romani, logins):
    """A template and a series, distribution-day shifts over the next weeks with some people on them,
    an event's shift, and the last weeks' served shifts (fewer in a smaller centre; at its site when
    it has no branch)."""
    template, _new = ShiftTemplate.objects.get_or_create(
        name="Ημέρα διανομής τροφίμων", defaults={"description": "Τρία τραπέζια, αποθήκη και υποδοχή."})
    if not template.lines.exists():
        ShiftTemplateLine.objects.create(template=template, start_time=time(7, 30), end_time=time(11, 30),
                                         role="distribution", min_people=3, max_people=5, languages_needed=["rom"],
                                         description="Σάρωση καρτών και παράδοση πακέτων.")
        ShiftTemplateLine.objects.create(template=template, start_time=time(11, 30), end_time=time(15, 30),
                                         role="distribution", min_people=2, max_people=4, languages_needed=["tr"])
        ShiftTemplateLine.objects.create(template=template, start_time=time(7, 0), end_time=time(10, 0),
                                         role="store", min_people=1, max_people=2,
                                         description="Προετοιμασία πακέτων στην αποθήκη.")
        ShiftTemplateLine.objects.create(template=template, start_time=time(8, 0), end_time=time(12, 0),
                                         role="reception", min_people=1, max_people=1, signup_mode="request")

    today = timezone.localdate()
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    shifts.create_series(location=store, weekday=1, start_time=time(8), end_time=time(12), starts_on=next_tuesday,
                         until=next_tuesday + timedelta(weeks=ctx.size(8, least=3)), role="store", min_people=1,
                         max_people=3, description="Ταξινόμηση δωρεών και έλεγχος ημερομηνιών λήξης.")
    if branch is not None:
        shifts.create_series(location=branch, weekday=3, start_time=time(9), end_time=time(13),
                             starts_on=today + timedelta(days=(3 - today.weekday()) % 7 or 7),
                             until=today + timedelta(weeks=6), role="interpreting", min_people=1, max_people=2,
                             signup_mode="request", languages_needed=["rom"],
                             description="Διερμηνεία στις συναντήσεις με την κοινωνική λειτουργό.")
    sites = (centre, branch or centre)
    days = []
    for offset, location in [(3, sites[0]), (5, sites[1]), (10, sites[0]), (12, sites[1]),
                             (17, sites[0])][:ctx.size(5, least=2)]:
        day = today + timedelta(days=offset)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        days.append(shifts.apply_template(template, location=location, day=day, by=coordinator))
    event_day = today + timedelta(days=8)
    shifts.create_shift(location=sites[1], day=event_day, start_time=time(17), end_time=time(20), role="event",
                        min_people=2, max_people=4, signup_mode="assigned",
                        languages_needed=["rom", "el"] if branch else ["el"],
                        description="Παιδική θεατρική παράσταση: υποδοχή οικογενειών.",
                        skills=[s for s in skills if s.name.startswith("Ποινικό")])

    # Some people on the upcoming shifts: some taken, some assigned and not yet confirmed.
    rng = ctx.rng
    for day_shifts in days[:4]:
        for shift in day_shifts:
            pool = rng.sample(active, k=min(len(active), rng.randint(0, shift.max_people)))
            if shift.languages_needed == ["rom"] and romani and rng.random() < 0.6:
                pool = [rng.choice(romani), *pool]
            for volunteer in pool:
                try:
                    if shift.signup_mode == "open" and rng.random() < 0.7:
                        signups.take_shift(volunteer, shift)
                    else:
                        signups.assign(shift, volunteer, by=coordinator, quiet=True)
                except Exception:  # noqa: BLE001, S112 - full or busy: demo data just skips them
                    continue

    # Past service: the last eight weeks, two distribution days a week, hours approved.
    for week in range(1, ctx.size(8, least=3) + 1):
        for weekday, location in ((1, centre), (3, branch)) if branch else ((1, centre),):
            day = today - timedelta(weeks=week) + timedelta(days=weekday - today.weekday())
            if day >= today:
                continue
            people = rng.sample(active, k=rng.randint(2, min(4, len(active))))
            if week % 2 == 0:  # the demo volunteer logins have some hours to show
                people += [v for v in logins if v not in people]
            _past_shift(ctx, location, day, time(7, 30), time(11, 30), "distribution", people, coordinator)
