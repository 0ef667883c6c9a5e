"""A single-centre database's distribution records move into the first centre with nothing lost
(distribution 0023): households, people, collectors, cards, programmes, enrolments, days, collections,
scans, offline hand-outs, hand-outs, needs and imports; card numbers and references stay as they were."""

import uuid
from datetime import time, timedelta

import pytest
from django.utils import timezone

from core.tenancy import scopes_disabled
from tests.migrating import before, latest, migrate

MODELS = ["Household", "Person", "AuthorisedCollector", "Card", "Programme", "Enrolment", "DistributionDay",
          "Collection", "Scan", "OfflineHandout", "Handout", "Need", "HouseholdNeed", "ImportJob"]


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_databases_distribution_moves_into_the_first_centre():
    old = migrate(before("distribution", "0022_handout_request_id"))
    try:
        Centre, Location, User = (old.get_model("core", name) for name in ("Centre", "Location", "User"))
        m = {name: old.get_model("distribution", name) for name in MODELS}
        first = Centre.objects.order_by("pk").first()
        hall = Location.objects.create(name="Κέντρο", kind="site", centre_id=first.pk)
        maria = User.objects.create(username="maria")
        now, today = timezone.now(), timezone.localdate()
        job = m["ImportJob"].objects.create(filename="kea.xlsx", status="done")
        household = m["Household"].objects.create(import_reference="KEA-1", import_job=job)
        person = m["Person"].objects.create(household=household, is_reference=True, relation="reference",
                                            first_name="Ελένη", amka="01017012345")
        m["Person"].objects.create(household=household, relation="child", first_name="Νίκος", left_on=today)
        collector = m["AuthorisedCollector"].objects.create(household=household, name="Γειτόνισσα")
        card = m["Card"].objects.create(household=household, number="00000017", token_hash="a" * 64,
                                        status="printed")
        programme = m["Programme"].objects.create(code="kea-basic", name="Βασικά αγαθά")
        m["Enrolment"].objects.create(household=household, programme=programme, start=today, end=today)
        day = m["DistributionDay"].objects.create(date=today, location=hall, programme=programme,
                                                  starts_at=time(9), ends_at=time(13))
        collection = m["Collection"].objects.create(day=day, household=household, card=card, collector=collector,
                                                    station="Τραπέζι 1", at=now, by=maria, household_size=2)
        scan = m["Scan"].objects.create(request_id=str(uuid.uuid4()), day=day, station="Τραπέζι 1", at=now, by=maria,
                                        outcome="already_collected", card=card, collection=collection,
                                        http_status=409)
        m["OfflineHandout"].objects.create(day=day, household=household, card=card, scan=scan,
                                           reason="already_collected", collection=collection, station="Τραπέζι 2",
                                           at=now - timedelta(minutes=1), by=maria, household_size=2)
        m["Handout"].objects.create(kind="walk_in", location=hall, date=today, at=now, by=maria, people=1,
                                    reason="πυρκαγιά", request_id=uuid.uuid4())
        need = m["Need"].objects.create(code="no-pork", name_el="Χωρίς χοιρινό")
        m["HouseholdNeed"].objects.create(household=household, person=person, need=need, legal_basis="public_task")
    finally:
        migrate(latest())

    from distribution import models

    with scopes_disabled():
        for name in MODELS:
            model = getattr(models, name)
            manager = model.everyone if name == "Person" else model.objects
            assert set(manager.values_list("centre_id", flat=True)) == {first.pk}, name
        assert models.Person.everyone.count() == 2
        moved = models.Card.objects.get()
        assert (moved.pk, moved.number, moved.token_hash, moved.household.import_reference) == (
            card.pk, "00000017", "a" * 64, "KEA-1")
        assert models.Person.objects.get().amka == "01017012345"
        assert models.Collection.objects.get().collector.name == "Γειτόνισσα"
