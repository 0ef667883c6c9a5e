import io
import random

import pytest

from core.management.commands.load_demo import DemoContext
from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_demo_is_realistic_and_idempotent():
    import core.demo
    import events.demo

    ctx = DemoContext(stdout=io.StringIO(), rng=random.Random(2026))
    core.demo.load(ctx)
    events.demo.load(ctx)
    counts = (Event.objects.count(), Registration.objects.count())
    assert counts[0] >= 12
    assert Event.objects.filter(status="published").count() >= 11
    assert Event.objects.filter(location__name="Παράρτημα Ρομά").exists()
    assert Registration.objects.filter(status="waiting").exists(), "a waiting list to show"
    assert Event.objects.filter(series__isnull=False).exists(), "repeated sessions"
    for event in Event.objects.all():
        held = sum(r.places for r in event.registrations.filter(status__in=["pending", "confirmed"]))
        assert held == event.places_taken <= event.capacity
    events.demo.load(DemoContext(stdout=io.StringIO(), rng=random.Random(7)))
    assert (Event.objects.count(), Registration.objects.count()) == counts
