"""Building blocks for the distribution-day tests: households with printed cards, a day with a
basket and stock at its location. Cards get their token the way print_cards does (only the hash
is stored); the helpers return the token so a test can "scan" it."""

import itertools
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from distribution.identifiers import card_number_for_serial, hash_token, new_token, qr_payload
from distribution.models import (
    AuthorisedCollector,
    BasketRule,
    Card,
    DistributionDay,
    Enrolment,
    Household,
    Person,
    Programme,
)
from tests.factories import LocationFactory
from tests.inventory.factories import ItemFactory, NonFoodItemFactory
from tests.inventory.helpers import stock

FIRST = ["Μαρία", "Γιώργος", "Αϊσέ", "Μεχμέτ", "Ελένη", "Νίκος", "Φατμέ", "Σοφία"]
_serial = itertools.count(1)


def programme(**fields) -> Programme:
    n = next(_serial)
    fields.setdefault("code", f"kea-basic-{n}")
    fields.setdefault("name", f"Βασικά αγαθά ΚΕΑ {n}")
    return Programme.objects.create(**fields)


def household(prog=None, *, size=3, children_under_3=0, enrolled=True, start=None, end=None,
              phone="6971234567", first_name=None, last_name="Σαλή"):
    """A household of `size` people (the reference person first), a printed card, optionally
    enrolled in `prog` around today. Returns (household, card, qr_text)."""
    n = next(_serial)
    today = timezone.localdate()
    hh = Household.objects.create(address="Οδός Ρωμανού 5", notes="σημειώσεις", categories={"kea": "yes"})
    Person.objects.create(household=hh, is_reference=True, relation="reference",
                          first_name=first_name or FIRST[n % len(FIRST)], last_name=last_name,
                          birth_date=date(1980, 5, 1), phone=phone, amka="")
    for i in range(size - 1):
        born = today - timedelta(days=365) if i < children_under_3 else date(2010, 1, 1 + i)
        Person.objects.create(household=hh, relation="child", first_name=f"Παιδί{i}", last_name=last_name,
                              birth_date=born)
    card = Card.objects.create(household=hh)
    token = new_token()
    card.number = card_number_for_serial(card.pk)
    card.token_hash = hash_token(token)
    card.status = Card.Status.PRINTED
    card.printed_at = timezone.now()
    card.valid_until = today + timedelta(days=365)
    card.save()
    if prog is not None and enrolled:
        Enrolment.objects.create(household=hh, programme=prog, start=start or today - timedelta(days=30),
                                 end=end or today + timedelta(days=300))
    return hh, card, qr_payload(token)


def day_with_basket(*, stock_per_item=100, on=None, prog=None, location=None):
    """A day today (10:00–14:00) with rice (2 per household, 3 for 5+ people), soap (1 per member)
    and nappies (10 per child under 3), and `stock_per_item` of each at the location."""
    prog = prog or programme()
    location = location or LocationFactory()
    day = DistributionDay.objects.create(date=on or timezone.localdate(), location=location, programme=prog,
                                         starts_at=time(10), ends_at=time(14), stations="Τραπέζι 1, Τραπέζι 2")
    rice = ItemFactory(name_el="Ρύζι 1 kg", name_en="Rice 1 kg")
    soap = NonFoodItemFactory(name_el="Σαπούνι", name_en="Soap")
    nappies = NonFoodItemFactory(name_el="Πάνες Νο4", name_en="Nappies size 4", category="baby")
    BasketRule.objects.create(day=day, item=rice, basis="household", quantity=2, max_size=4)
    BasketRule.objects.create(day=day, item=rice, basis="household", quantity=3, min_size=5)
    BasketRule.objects.create(day=day, item=soap, basis="member", quantity=1)
    BasketRule.objects.create(day=day, item=nappies, basis="member", quantity=10, max_age=3)
    for item in (rice, soap, nappies):
        if stock_per_item:
            expiry = date.today() + timedelta(days=200) if item.has_expiry else None
            stock(item, location, stock_per_item, expiry=expiry)
    return day, {"rice": rice, "soap": soap, "nappies": nappies}


def collector(hh, name="Κατερίνα Ιωαννίδου") -> AuthorisedCollector:
    return AuthorisedCollector.objects.create(household=hh, name=name, id_number="ΑΚ123456", relation="γειτόνισσα")


def d(value) -> Decimal:
    return Decimal(str(value))


def open_around_now(day, *, hours=1):
    """Give `day` (dated today) opening hours around the present moment, within the same date."""
    now = timezone.localtime()
    start = max(now - timedelta(hours=hours), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(now + timedelta(hours=hours), now.replace(hour=23, minute=59, second=0, microsecond=0))
    end = max(end, start + timedelta(minutes=1))
    day.date, day.starts_at, day.ends_at = now.date(), start.time(), end.time()
    day.save()
    return day
