from datetime import time, timedelta

import factory
from django.utils import timezone

from tests.factories import LocationFactory, UserFactory
from volunteers.models import Availability, Shift, Volunteer


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    first_name = factory.Iterator(["Γιώργος", "Ελένη", "Αϊσέ", "Μεχμέτ", "Σοφία", "Νίκος"])
    last_name = factory.Iterator(["Καραγιάννης", "Σαλή", "Μουσταφά", "Χασάν", "Δημητρίου", "Αλιόγλου"])
    email = factory.Sequence(lambda n: f"vol{n}@example.org")
    phone = factory.Sequence(lambda n: f"69{n:08d}")
    status = Volunteer.Status.ACTIVE
    user = factory.SubFactory(UserFactory, role="volunteer")


def available_always(volunteer):
    for day in range(7):
        Availability.objects.create(volunteer=volunteer, weekday=day, start_time=time(0, 0), end_time=time(23, 59))
    return volunteer


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    location = factory.SubFactory(LocationFactory)
    starts_at = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=2)).replace(
        hour=8, minute=0, second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=4))
    min_people = 1
    max_people = 2
