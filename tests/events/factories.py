from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event
from tests.factories import LocationFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A published event a week from now, registration open, 10 places."""

    class Meta:
        model = Event

    title_el = factory.Sequence(lambda n: f"Εργαστήρι ζωγραφικής {n}")
    title_en = factory.Sequence(lambda n: f"Painting workshop {n}")
    description_el = "Δωρεάν εργαστήρι για παιδιά."
    description_en = "A free workshop for children."
    category = Event.Category.CHILDREN
    audience = Event.Audience.CHILDREN
    location = factory.SubFactory(LocationFactory, name="Κέντρο Κοινότητας")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    capacity = 10
    max_places_per_registration = 4
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
