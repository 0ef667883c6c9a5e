"""Skills are data: each has its Greek name and an optional English one; English pages show the
English name (Greek when none was given), Greek pages the Greek one; the built-in skills come with
their English names (migration and the reference list)."""

import pytest
from django.urls import reverse
from django.utils import translation

from volunteers.models import Certificate, Skill
from volunteers.reference import STANDARD_SKILLS, ensure_standard_skills

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_built_in_skills_have_english_names_and_show_in_the_page_language():
    first_aid = Skill.objects.get(name="Πρώτες βοήθειες")
    assert first_aid.name_en == "First aid"
    assert all(Skill.objects.get(name=name).name_en == english for name, english, _e in STANDARD_SKILLS)
    with translation.override("en"):
        assert str(first_aid) == "First aid"
    with translation.override("el"):
        assert str(first_aid) == "Πρώτες βοήθειες"
    own = Skill.objects.create(name="Ρομανί γραφή")
    with translation.override("en"):
        assert str(own) == "Ρομανί γραφή", "no English name: the Greek one, never an empty label"


def test_reference_list_fills_a_missing_english_name_and_keeps_one_given():
    Skill.objects.filter(name="Διερμηνεία").update(name_en="")
    Skill.objects.filter(name="Δίπλωμα οδήγησης").update(name_en="Driving licence (category B)")
    ensure_standard_skills()
    assert Skill.objects.get(name="Διερμηνεία").name_en == "Interpreting"
    assert Skill.objects.get(name="Δίπλωμα οδήγησης").name_en == "Driving licence (category B)"


def test_english_pages_show_english_skill_names(coordinator_client):
    first_aid = Skill.objects.get(name="Πρώτες βοήθειες")
    volunteer = VolunteerFactory()
    Certificate.objects.create(volunteer=volunteer, skill=first_aid)
    shift = ShiftFactory()
    shift.skills_needed.set([first_aid])
    coordinator_client.cookies.load({"django_language": "en"})
    for url in (reverse("volunteers:volunteer", args=[volunteer.pk]), reverse("volunteers:shift_new"),
                reverse("volunteers:board")):
        html = coordinator_client.get(url).content.decode()
        assert "First aid" in html and "Πρώτες βοήθειες" not in html, url
    coordinator_client.cookies.load({"django_language": "el"})
    html = coordinator_client.get(reverse("volunteers:volunteer", args=[volunteer.pk])).content.decode()
    assert "Πρώτες βοήθειες" in html and "First aid" not in html
