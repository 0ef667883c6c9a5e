"""After an import, one confirmed step requests the cards of every household that import registered
and that has none: not those it found already registered, not those with a card, never twice; the
step is refused for a dry run and for someone else's import, and audited."""

import io

import pytest
from django.urls import reverse

from core.models import AuditLog
from distribution.models import Card, Household, ImportJob
from distribution.services import cards as card_services

pytestmark = pytest.mark.django_db

LIST = """household,last_name,first_name,birth_date
C-1,Σαλή,Αϊσέ,17/05/1980
C-1,Σαλής,Ραμαδάν,10/10/2012
C-2,Χασάν,Φατμέ,01/02/1975
C-3,Ιωαννίδου,Ελένη,03/03/1990
"""


def imported(client, text=LIST):
    upload = io.BytesIO(text.encode())
    upload.name = "list.csv"
    client.post(reverse("distribution:import_upload"), {"file": upload})
    dry = ImportJob.objects.latest("pk")
    while ImportJob.objects.get(pk=dry.pk).status == ImportJob.Status.RUNNING:
        client.post(reverse("distribution:import_step", args=[dry.pk]), HTTP_HX_REQUEST="true")
    client.post(reverse("distribution:import_again", args=[dry.pk]))
    job = ImportJob.objects.latest("pk")
    page = ""
    while ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING:
        page = client.post(reverse("distribution:import_step", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    return dry, ImportJob.objects.get(pk=job.pk), page


def test_one_confirmed_step_requests_the_cards_of_the_new_households_once(staff_client, staff_user):
    already = Household.objects.create(import_reference="C-3", legal_basis=Household.LegalBasis.PUBLIC_TASK)
    dry, job, page = imported(staff_client)
    assert job.counts["households_created"] == 2 and job.counts["households_found"] == 1
    created = list(job.households_created.order_by("pk"))
    assert [h.import_reference for h in created] == ["C-1", "C-2"] and already not in created
    card_services.request_card(created[1], by=staff_user)  # one got its card by hand meanwhile
    detail = staff_client.get(reverse("distribution:import", args=[job.pk])).content.decode()
    assert 'data-testid="import-cards"' in detail
    assert "1 νοικοκυριό που καταχώρισε αυτή η εισαγωγή δεν έχει ακόμη κάρτα" in detail
    assert 'data-testid="import-cards"' in page, "the last progress step offers it too"

    url = reverse("distribution:import_cards", args=[job.pk])
    asked = staff_client.post(url)
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    assert "Θα ζητηθεί 1 κάρτα" in asked.content.decode()
    assert Card.objects.count() == 1, "nothing before the confirmation"
    done = staff_client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    assert set(Card.objects.values_list("household__import_reference", flat=True)) == {"C-1", "C-2"}
    assert not Card.objects.filter(household=already).exists()
    entry = AuditLog.objects.filter(content_type__model="importjob", object_id=str(job.pk)).latest("pk")
    assert entry.changes["cards_requested"] == ["", "1"]
    again = staff_client.post(url, {"confirmed": "yes"})
    assert again.status_code == 302 and Card.objects.count() == 2, "never twice"
    refused = staff_client.post(reverse("distribution:import_cards", args=[dry.pk]), {"confirmed": "yes"})
    assert refused.status_code == 302 and Card.objects.count() == 2, "a dry run registered nobody"


def test_only_the_importer_and_staff_may_request(staff_client, client, volunteer_user):
    _dry, job, _page = imported(staff_client)
    from tests.factories import UserFactory

    other = UserFactory(role="staff", username="other-staff")
    client.force_login(other)
    assert client.post(reverse("distribution:import_cards", args=[job.pk]), {"confirmed": "yes"}).status_code == 404
    client.force_login(volunteer_user)
    assert client.post(reverse("distribution:import_cards", args=[job.pk]), {"confirmed": "yes"}).status_code == 403
    assert Card.objects.count() == 0
