from datetime import date

import factory

from distribution.identifiers import make_amka
from distribution.models import Household, Person, Programme


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    address = "Κομνηνών 12, Δράμα"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    is_reference = True
    relation = Person.Relation.REFERENCE
    first_name = "Μαρία"
    last_name = factory.Sequence(lambda n: f"Παπαδοπούλου{n}")
    birth_date = date(1980, 5, 17)
    amka = factory.Sequence(lambda n: make_amka(date(1980, 5, 17), n))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = "kea-basic"
    name = "Βασικά αγαθά ΚΕΑ"
    max_collections_per_month = 2


def household_with_reference(**person_fields) -> Household:
    return PersonFactory(**person_fields).household
