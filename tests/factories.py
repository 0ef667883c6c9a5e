"""factory_boy factories for core; each app's tests add their own in tests/<app>/factories.py."""

import factory
from django.contrib.auth.models import Group

from core.models import Location, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Μαρία"
    last_name = "Παπαδοπούλου"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery-9")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Χώρος {n}")
    kind = Location.Kind.SITE
    address = "Πλατεία Ελευθερίας, Δράμα"
