"""Django's admin reaches the audit log: what it shows and what it saves."""

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from events.models import Registration
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def _entries(model):
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(model))


def test_an_admin_edit_is_in_the_audit_log_without_the_values(admin_client):
    volunteer = VolunteerFactory(phone="6900000001", notes="")
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.SplitDateTimeField):
            if value:
                local = timezone.localtime(value)
                data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")
        elif value is not None:
            data[name] = value
    data.update(phone="6944556677", notes="θέμα υγείας")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Volunteer.objects.get(pk=volunteer.pk).phone == "6944556677"
    saved = _entries(Volunteer).filter(action="change", object_id=str(volunteer.pk), user__username="root")
    assert saved.filter(changes__admin="saved").exists() and saved.filter(changes__saved=True).exists()
    fields = saved.get(changes__admin="saved").changes["fields"]
    assert fields, "which fields changed"
    text = str(list(AuditLog.objects.values_list("changes", "object_repr", "path")))
    assert "6944556677" not in text and "θέμα υγείας" not in text and "6900000001" not in text
    assert _entries(Volunteer).filter(action="view", object_id=str(volunteer.pk)).exists()


def test_viewing_registrants_in_the_admin_is_audited(admin_client):
    event = EventFactory()
    Registration.objects.create(event=event, name="Ευτέρπη Ζαχαριάδου", phone="6944556677", places=1)
    response = admin_client.get(reverse("admin:events_registration_changelist"), {"q": "Ζαχαριάδου"})
    assert response.status_code == 200
    entry = _entries(Registration).get(action="view")
    assert entry.changes == {"admin": "list"} and "Ζαχαριάδου" not in entry.path + entry.object_repr


def test_a_bulk_delete_in_the_admin_is_audited(admin_client):
    from volunteers.models import Skill

    skills = [Skill.objects.create(name=f"Δεξιότητα {n}") for n in range(3)]
    admin_client.post(reverse("admin:volunteers_skill_changelist"), {
        "action": "delete_selected", "_selected_action": [s.pk for s in skills], "post": "yes"})
    assert not Skill.objects.filter(pk__in=[s.pk for s in skills]).exists()
    entry = _entries(Skill).get(action="delete", changes__admin_action="delete_selected")
    assert entry.changes["selected"] == 3
