"""factory_boy factories for core; each app's tests add their own in tests/<app>/factories.py."""

import factory

from core.models import Centre, Location, User


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
        """`role="staff"`: a membership at the current centre (or at `role__centre`)."""
        if create and extracted:
            from core.memberships import set_role

            set_role(self, kwargs.get("centre") or Centre.current(), extracted)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Κέντρο Κοινότητας {n}")
    slug = factory.Sequence(lambda n: f"centre-test-{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Χώρος {n}")
    kind = Location.Kind.SITE
    address = "Πλατεία Ελευθερίας, Δράμα"


def centre_details(**fields):
    """Fill in the current centre's details (its name, phones… on documents), as its coordinator does."""
    centre = Centre.current()
    for name, value in fields.items():
        setattr(centre, name, value)
    centre.save()
    return centre
