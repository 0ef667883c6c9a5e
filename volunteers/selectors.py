"""Read queries of the volunteers app, for its views and API and for other apps.

Other apps (distribution days, events) show the shifts at their place and time through
`shifts_at(location, start, end)` and the template include `volunteers/_shifts_at.html`
(or the `{% shifts_at location start end %}` tag of `volunteers_tags`); they never import the models.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.tenancy import current_centre_id, scopes_disabled

from .models import Assignment, Availability, Certificate, Language, Shift, SignupMode, SwapAsk, SwapOffer, Volunteer

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=2))


def volunteer_of(user) -> Volunteer | None:
    """The signed-in person's volunteer record at the current centre (one per centre: a person who
    volunteers at two centres has one at each, linked to the same account); None without one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).first()


def shifts_at(location, start, end):
    """The shifts (not cancelled) at a location that overlap [start, end), with the people on them."""
    location_id = getattr(location, "pk", location)
    return (Shift.objects.filter(location_id=location_id, cancelled_at__isnull=True, starts_at__lt=end,
                                 ends_at__gt=start)
            .select_related("location")
            .prefetch_related(Prefetch("assignments", to_attr="people",
                                       queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE)
                                       .select_related("volunteer")))
            .order_by("starts_at"))


def with_people(queryset):
    return queryset.select_related("location").prefetch_related(
        "skills_needed",
        Prefetch("assignments", to_attr="people", queryset=Assignment.objects.filter(
            status__in=(*Assignment.ACTIVE, Assignment.Status.REQUESTED))
            .select_related("volunteer").prefetch_related("volunteer__languages", "volunteer__certificates__skill")))


def active_people(shift):
    people = getattr(shift, "people", None)
    if people is None:
        people = list(shift.assignments.filter(status__in=Assignment.ACTIVE).select_related("volunteer")
                      .prefetch_related("volunteer__languages", "volunteer__certificates__skill"))
    return [a for a in people if a.status in Assignment.ACTIVE]


def missing_needs(shift) -> tuple[list[str], list]:
    """Languages (codes) and skills the shift needs that nobody on it brings yet."""
    people = [a.volunteer for a in active_people(shift)]
    day = timezone.localtime(shift.starts_at).date()
    spoken = {lang.language for v in people for lang in v.languages.all()}
    held = {c.skill_id for v in people for c in v.certificates.all() if c.valid_on(day)}
    return ([code for code in shift.languages_needed if code not in spoken],
            [skill for skill in shift.skills_needed.all() if skill.pk not in held])


@dataclass
class BoardRow:
    shift: Shift
    people: list
    unconfirmed: int
    requested: int
    missing_languages: list = field(default_factory=list)
    missing_skills: list = field(default_factory=list)
    dropped_out: list = field(default_factory=list)  # volunteers who gave their place back
    offer: object = None  # the latest offer of the shift (OfferProgress): looking, taken, nobody

    @property
    def state(self):
        if self.shift.booked < self.shift.min_people:
            return "bad"
        return "warn" if (self.missing_languages or self.missing_skills or self.unconfirmed) else "ok"


def board(*, days: int = 14, now=None, location=None) -> list[BoardRow]:
    """The coordinator's board: the next `days` days, each shift's fill and what it lacks."""
    now = now or timezone.now()
    qs = Shift.objects.filter(cancelled_at__isnull=True, ends_at__gt=now, starts_at__lt=now + timedelta(days=days))
    if location is not None:
        qs = qs.filter(location=location)
    rows = []
    labels = dict(Language.choices)
    shifts = list(with_people(qs.order_by("starts_at")))
    dropped = defaultdict(list)
    for assignment in (Assignment.objects.filter(shift__in=[s.pk for s in shifts], dropped_out_at__isnull=False)
                       .exclude(status__in=Assignment.ACTIVE).select_related("volunteer")):
        dropped[assignment.shift_id].append(assignment)
    offers = board_offers([s.pk for s in shifts])
    for shift in shifts:
        languages, skills = missing_needs(shift)
        rows.append(BoardRow(
            shift=shift, people=[a for a in shift.people if a.status in Assignment.ACTIVE],
            unconfirmed=sum(a.status == Assignment.Status.ASSIGNED for a in shift.people),
            requested=sum(a.status == Assignment.Status.REQUESTED for a in shift.people),
            missing_languages=[labels.get(c, c) for c in languages], missing_skills=skills,
            dropped_out=dropped[shift.pk], offer=offers.get(shift.pk)))
    return rows


def dropouts(*, days: int = 14, now=None):
    """Places volunteers gave back in the last `days` days on shifts still to come (the coordinator's
    home panel): newest first, with the shift and the volunteer."""
    now = now or timezone.now()
    return (Assignment.objects.filter(dropped_out_at__gte=now - timedelta(days=days), shift__starts_at__gt=now,
                                      shift__cancelled_at__isnull=True)
            .exclude(status__in=Assignment.ACTIVE)
            .select_related("shift__location", "volunteer").order_by("-dropped_out_at"))


def expiring_certificates(*, within_days: int = 30, today: date | None = None):
    """Certificates of current volunteers that expired or expire within `within_days`."""
    today = today or timezone.localdate()
    return (Certificate.objects.filter(expires_on__isnull=False, expires_on__lte=today + timedelta(days=within_days),
                                       volunteer__status__in=(Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED))
            .select_related("volunteer", "skill").order_by("expires_on"))


def approved_hours(queryset=None, *, since=None, until=None):
    """Volunteers annotated with `hours_served` (approved hours) and `shifts_served` in the period."""
    cond = Q(assignments__hours_approved_at__isnull=False)
    if since:
        cond &= Q(assignments__starts_at__date__gte=since)
    if until:
        cond &= Q(assignments__starts_at__date__lte=until)
    queryset = Volunteer.objects.all() if queryset is None else queryset
    return queryset.annotate(
        hours_served=Coalesce(Sum("assignments__hours", filter=cond), ZERO),
        shifts_served=Count("assignments", filter=cond))


def totals(*, since=None, until=None) -> dict:
    """Figures for reports (funders): approved hours, shifts served, people who served, no-shows."""
    qs = Assignment.objects.all()
    if since:
        qs = qs.filter(starts_at__date__gte=since)
    if until:
        qs = qs.filter(starts_at__date__lte=until)
    approved = qs.filter(hours_approved_at__isnull=False)
    return {
        "hours": approved.aggregate(total=Coalesce(Sum("hours"), ZERO))["total"],
        "shifts_served": approved.count(),
        "volunteers": approved.values("volunteer").distinct().count(),
        "no_shows": qs.filter(attendance=Assignment.Attendance.NO_SHOW).count(),
    }


def hours_total(volunteer, *, since=None, until=None) -> Decimal:
    return approved_hours(Volunteer.objects.filter(pk=volunteer.pk), since=since, until=until)[0].hours_served


def is_available(volunteer, shift) -> bool:
    """The shift falls inside one of the volunteer's weekly availability windows."""
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    if start.date() != end.date():
        return False
    return any(slot.weekday == start.weekday() and slot.start_time <= start.time() and slot.end_time >= end.time()
               for slot in volunteer.availability.all())


@dataclass
class Candidate:
    volunteer: Volunteer
    hours_served: Decimal
    available: bool
    covers_languages: list
    covers_skills: list


def candidates(shift, *, everyone: bool = False) -> list[Candidate]:
    """Who could fill a place on the shift: active, not on it, not one who declined or left it, not
    busy at that time, and (unless
    `everyone`) available by their weekly availability and bringing a missing language or skill
    when the shift still lacks one. Fewest hours served first, so the load stays fair."""
    day = timezone.localtime(shift.starts_at).date()
    busy = Assignment.objects.filter(status__in=Assignment.ACTIVE, starts_at__lt=shift.ends_at,
                                     ends_at__gt=shift.starts_at).values("volunteer_id")
    on_shift = Assignment.objects.filter(shift=shift, status__in=Assignment.ACTIVE).values("volunteer_id")
    said_no = Assignment.objects.filter(shift=shift).filter(
        Q(dropped_out_at__isnull=False) | Q(status=Assignment.Status.DECLINED)).values("volunteer_id")
    qs = (approved_hours(Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
                         .exclude(pk__in=busy).exclude(pk__in=on_shift).exclude(pk__in=said_no))
          .prefetch_related("languages", "availability", "certificates__skill"))
    missing_languages, missing_skills = missing_needs(shift)
    labels = dict(Language.choices)
    result = []
    for volunteer in qs:
        spoken = {lang.language for lang in volunteer.languages.all()}
        held = {c.skill_id for c in volunteer.certificates.all() if c.valid_on(day)}
        covers_languages = [labels[c] for c in missing_languages if c in spoken]
        covers_skills = [s for s in missing_skills if s.pk in held]
        available = is_available(volunteer, shift)
        if not everyone:
            if not available:
                continue
            if (missing_languages or missing_skills) and not (covers_languages or covers_skills):
                continue
        result.append(Candidate(volunteer, volunteer.hours_served, available, covers_languages, covers_skills))
    result.sort(key=lambda c: (-(len(c.covers_languages) + len(c.covers_skills)), not c.available, c.hours_served,
                               c.volunteer.last_name))
    return result


def my_assignments(volunteer, *, upcoming=True, now=None):
    now = now or timezone.now()
    qs = Assignment.objects.filter(volunteer=volunteer).select_related("shift__location")
    if upcoming:
        return qs.filter(shift__ends_at__gt=now, shift__cancelled_at__isnull=True).exclude(
            status=Assignment.Status.CANCELLED).order_by("starts_at")
    return qs.filter(shift__ends_at__lte=now).order_by("-starts_at")


def places_at_other_centres(accounts, since, until=None) -> list[tuple]:
    """[(account id, starts_at, ends_at)] of these people's active places at other centres than this one
    that overlap [since, until) (until: None, every later one): when they are busy, and nothing else of
    another centre's shift."""
    here = current_centre_id()
    with scopes_disabled():
        places = Assignment.objects.filter(person_id__in=list(accounts), status__in=Assignment.ACTIVE,
                                           ends_at__gt=since)
        if until is not None:
            places = places.filter(starts_at__lt=until)
        return list(places.exclude(centre_id=here).values_list("person_id", "starts_at", "ends_at"))


def open_shifts_for(volunteer, *, now=None, days: int | None = None):
    """Shifts the volunteer may take or ask for: open or on request, free places, not already on
    them, and not overlapping one of their own shifts. Every future shift, however far ahead (the
    page groups them by month), unless `days` limits the look-ahead."""
    now = now or timezone.now()
    mine = Assignment.objects.filter(volunteer=volunteer).exclude(
        status__in=(Assignment.Status.CANCELLED, Assignment.Status.DECLINED)).values("shift_id")
    busy = list(Assignment.objects.filter(volunteer=volunteer, status__in=Assignment.ACTIVE,
                                          ends_at__gt=now).values_list("starts_at", "ends_at"))
    if volunteer.user_id is not None:  # and her places at another centre
        until = now + timedelta(days=days) if days is not None else None
        busy += [(start, end) for _p, start, end in places_at_other_centres([volunteer.user_id], now, until)]
    qs = (Shift.objects.filter(cancelled_at__isnull=True, starts_at__gt=now,
                               signup_mode__in=(SignupMode.OPEN, SignupMode.REQUEST))
          .exclude(pk__in=mine).select_related("location").order_by("starts_at"))
    if days is not None:
        qs = qs.filter(starts_at__lt=now + timedelta(days=days))
    return [s for s in qs if s.booked < s.max_people
            and not any(start < s.ends_at and end > s.starts_at for start, end in busy)]


def visible_shifts(user, *, since=None, until=None, location=None, open_only=False):
    """Shifts for the API: everything for the coordinator, takeable/own shifts for a volunteer."""
    qs = Shift.objects.filter(cancelled_at__isnull=True).select_related("location").prefetch_related("skills_needed")
    if since:
        qs = qs.filter(ends_at__gt=since)
    if until:
        qs = qs.filter(starts_at__lt=until)
    if location:
        qs = qs.filter(location_id=location)
    if open_only:
        qs = qs.filter(signup_mode__in=(SignupMode.OPEN, SignupMode.REQUEST))
    return qs.order_by("starts_at")


WEEKDAYS = Availability.Weekday


@dataclass
class OfferProgress:
    """Where an offered shift stands: who is asked now (their place in the list) and until when."""

    offer: SwapOffer
    asks: list
    asking: SwapAsk | None = None
    position: int = 0

    @property
    def total(self) -> int:
        return len(self.asks)


def _progress(offer: SwapOffer) -> OfferProgress:
    asks = sorted(offer.asks.all(), key=lambda a: a.position)
    asking = next((a for a in asks if a.status == SwapAsk.Status.ASKED), None)
    return OfferProgress(offer=offer, asks=asks, asking=asking,
                         position=asks.index(asking) + 1 if asking is not None else 0)


def _offers():
    return SwapOffer.objects.select_related("volunteer", "taken_by").prefetch_related(
        Prefetch("asks", queryset=SwapAsk.objects.select_related("volunteer").order_by("position")))


def shift_offers(shift) -> list[OfferProgress]:
    """Every offer of the shift, newest first, with its candidates in order (the shift's page)."""
    return [_progress(o) for o in _offers().filter(shift=shift).order_by("-created_at")]


def board_offers(shift_ids) -> dict:
    """{shift id: the latest offer of each shift still to come} for the board: open ones, and those
    that ended with nobody or taken, so the coordinator sees how it went."""
    latest = {}
    for offer in _offers().filter(shift_id__in=shift_ids).exclude(
            status__in=(SwapOffer.Status.WITHDRAWN, SwapOffer.Status.ENDED)).order_by("created_at"):
        latest[offer.shift_id] = _progress(offer)
    return latest


def my_open_offers(volunteer) -> dict:
    """{assignment id: its open offer} for the volunteer's own shifts."""
    return {o.assignment_id: o for o in SwapOffer.objects.filter(volunteer=volunteer, status=SwapOffer.Status.OPEN)}


def my_swap_asks(volunteer, *, now=None):
    """Shifts others offered that the volunteer is asked to take (or may still take: their time ran out
    but nobody has taken it yet)."""
    now = now or timezone.now()
    return (SwapAsk.objects.filter(volunteer=volunteer, answered_at__isnull=True,
                                   status__in=(SwapAsk.Status.ASKED, SwapAsk.Status.EXPIRED),
                                   offer__status=SwapOffer.Status.OPEN, offer__shift__starts_at__gt=now)
            .select_related("offer__shift__location").order_by("offer__shift__starts_at"))
