"""Demo distribution days: a past day (closed, most households served), today's day at the
centre (half-way through, so the live view moves) and next week's day at the Roma branch with time
slots (at the site of a centre without a branch). Uses the inventory demo's items; the goods come in
as one programme delivery (a smaller centre's share of it, ctx.scale). Idempotent: days are recognised
by their notes."""

import uuid
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from core.memberships import members
from core.models import Location
from inventory import services as stock_services
from inventory.models import Donor, Item

from ..models import BasketRule, BasketSubstitution, DistributionDay, Handout, Programme
from ..selectors.days import expected_households
from ..services.days import cancel_collection, plan_slots
from ..services.handouts import HandoutRefused, record_handout
from ..services.scans import record_scan
from .needs import substitutions_for

MARK = "[demo]"
BASKET = [  # (item name_en, basis, quantity, min size, max size, max age)
    ("Rice 1 kg", "household", 2, None, 3, None),
    ("Rice 1 kg", "household", 3, 4, None, None),
    ("Spaghetti 500 g", "household", 2, None, None, None),
    ("UHT milk 1 l", "member", 1, None, None, None),
    ("Olive oil 1 l", "household", 1, None, None, None),
    ("Bar soap 125 g", "member", 1, None, None, None),
    ("Nappies size 4 (40)", "member", 1, None, None, 3),
]
DELIVERY = {"Rice 1 kg": 700, "Spaghetti 500 g": 600, "UHT milk 1 l": 900, "Olive oil 1 l": 300,
            "Bar soap 125 g": 900, "Nappies size 4 (40)": 80, "Gluten-free pasta 500 g": 60,
            "Infant formula 400 g": 60}


def _make_day(programme, location, date, starts, ends, items, note, by):
    day = DistributionDay.objects.create(date=date, location=location, programme=programme, starts_at=starts,
                                         ends_at=ends, stations="Τραπέζι 1, Τραπέζι 2, Τραπέζι 3",
                                         notes=f"{MARK} {note}", created_by=by)
    BasketRule.objects.bulk_create([
        BasketRule(day=day, item=items[name], basis=basis, quantity=Decimal(quantity), min_size=min_size,
                   max_size=max_size, max_age=max_age)
        for name, basis, quantity, min_size, max_size, max_age in BASKET])
    BasketSubstitution.objects.bulk_create(substitutions_for(day, items))  # adapted to the households' needs
    return day


def _serve(ctx, day, households, volunteers, share):
    """Scan `share` of the households' cards (typed card numbers, ID checked) at three tables, with a
    few refusals, through the real scan service."""
    served = 0
    for index, household in enumerate(households):
        card = next(iter(household.cards.all()), None)
        if card is None or ctx.rng.random() > share:
            continue
        station = f"Τραπέζι {index % 3 + 1}"
        by = volunteers[index % len(volunteers)]
        answer = record_scan(day_id=day.pk, code=card.number, station=station, request_id=str(uuid.uuid4()),
                             by=by, id_checked=True)
        served += answer.status == 201
        if ctx.rng.random() < 0.04:  # the same card again at another table: refused
            record_scan(day_id=day.pk, code=card.number, station=f"Τραπέζι {(index + 1) % 3 + 1}",
                        request_id=str(uuid.uuid4()), by=by)
    for code in ["KC1-AAAAAAAAAAAAAAAA", "12345678"]:  # unknown cards
        record_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=str(uuid.uuid4()), by=volunteers[0])
    return served


def _handouts(site, programme, households, items, by) -> int:
    """Hand-outs outside a day: an anonymous emergency and a home delivery to a household (overriding
    the programme's rule with a reason when the household already collected)."""
    rice, oil = items["Rice 1 kg"], items["Olive oil 1 l"]
    record_handout(by=by, location=site, kind=Handout.Kind.EMERGENCY, lines=[(rice, 2), (oil, 1)],
                   reason="Οικογένεια σε διέλευση, χωρίς στέγη", people=3,
                   groups={"aged_under_18": 1, "aged_30_64": 2, "women": 1, "men": 2})
    if not households:
        return 1
    home = households[-1]
    try:
        record_handout(by=by, location=site, kind=Handout.Kind.HOME_DELIVERY, household=home, programme=programme,
                       lines=[(rice, 2)], delivered_by=by)
    except HandoutRefused:
        record_handout(by=by, location=site, kind=Handout.Kind.HOME_DELIVERY, household=home, programme=programme,
                       lines=[(rice, 2)], delivered_by=by, override_reason="Κατάκοιτη ηλικιωμένη, δεν μπορεί να έρθει")
    return 2


def load(ctx):
    if DistributionDay.objects.filter(notes__startswith=MARK).exists():
        ctx.say("distribution: demo distribution days already loaded.")
        return
    programme = Programme.objects.filter(code="kea-basic").first()
    site = Location.objects.filter(kind=Location.Kind.SITE).order_by("pk").first()
    branch = Location.objects.filter(kind=Location.Kind.BRANCH).order_by("pk").first()
    items = {name: Item.objects.filter(name_en=name).first() for name in DELIVERY}
    staff = members("staff").order_by("pk").first()
    volunteers = list(members("volunteer").order_by("pk")) or [staff]
    if not (programme and site and staff and all(items.values())):
        ctx.say("distribution: demo households, locations or inventory items are missing; no demo days.")
        return
    donor = Donor.objects.filter(kind=Donor.Kind.PROGRAMME).first() or stock_services.save_donor(
        Donor(name="Πρόγραμμα Επισιτιστικής και Βασικής Υλικής Συνδρομής (ΕΚΤ+)", kind=Donor.Kind.PROGRAMME),
        by=staff)
    today = timezone.localdate()
    delivery = stock_services.create_donation(donor=donor, location=site, date=today - timedelta(days=20),
                                              notes="Παρτίδα για τις διανομές", by=staff)
    for name, quantity in DELIVERY.items():
        item = items[name]
        stock_services.add_donation_line(delivery, item=item, quantity=ctx.size(quantity), lot="ΕΚΤ-26",
                                         expiry_date=today + timedelta(days=240) if item.has_expiry else None,
                                         by=staff)
    stock_services.receive_donation(delivery, by=staff)

    # A past day: served with the real service on "today", then moved back two weeks.
    past = _make_day(programme, site, today, time(9), time(13), items, "Μηνιαία διανομή", staff)
    households = list(expected_households(past).prefetch_related("cards"))
    served_past = _serve(ctx, past, households, volunteers, share=0.8)
    first = past.collections.order_by("pk").first()
    if first is not None:
        cancel_collection(first, reason="Καταχωρίστηκε σε λάθος νοικοκυριό", by=staff)
    shift = timedelta(days=14)
    past.collections.update(at=timezone.now() - shift)
    past.scans.update(at=timezone.now() - shift)
    DistributionDay.objects.filter(pk=past.pk).update(date=today - shift, status=DistributionDay.Status.CLOSED)

    # Today at the centre, half-way through.
    current = _make_day(programme, site, today, time(8, 30), time(14, 30), items, "Διανομή σε εξέλιξη", staff)
    served_today = _serve(ctx, current, households, volunteers, share=0.35)

    handouts = _handouts(site, programme, households, items, staff)

    # Next week at the Roma branch (the site, without one), with time slots planned (notices not sent yet).
    upcoming = _make_day(programme, branch or site, today + timedelta(days=7), time(9), time(12), items,
                         "Διανομή στο Παράρτημα Ρομά" if branch else "Διανομή της επόμενης εβδομάδας", staff)
    plan_slots(upcoming, minutes=30, by=staff)
    ctx.say(f"distribution: 3 demo distribution days ({served_past} collections two weeks ago, "
            f"{served_today} today so far, one next week with time slots; {handouts} hand-outs outside a day).")
