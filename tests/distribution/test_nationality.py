"""Nationality from a list: what staff typed is read into a country code once (migration, import),
EU membership follows the code, and what cannot be read is listed for staff to resolve."""

import pytest
from django.urls import reverse
from django.utils import translation

from distribution.nationality import (
    EU_MEMBER_STATES,
    GREEK,
    NOT_DECLARED,
    OTHER_EU,
    STATELESS,
    THIRD_COUNTRY,
    group_of,
    map_text,
)

# Every member state: (code, masculine noun, feminine noun, adjective as in "... υπηκοότητα",
# Greek name, English name, English adjective, alpha-3).
MEMBER_STATES = [
    ("AT", "Αυστριακός", "Αυστριακή", "Αυστριακή", "Αυστρία", "Austria", "Austrian", "AUT"),
    ("BE", "Βέλγος", "Βελγίδα", "Βελγική", "Βέλγιο", "Belgium", "Belgian", "BEL"),
    ("BG", "Βούλγαρος", "Βουλγάρα", "Βουλγαρική", "Βουλγαρία", "Bulgaria", "Bulgarian", "BGR"),
    ("HR", "Κροάτης", "Κροάτισσα", "Κροατική", "Κροατία", "Croatia", "Croatian", "HRV"),
    ("CY", "Κύπριος", "Κύπρια", "Κυπριακή", "Κύπρος", "Cyprus", "Cypriot", "CYP"),
    ("CZ", "Τσέχος", "Τσέχα", "Τσεχική", "Τσεχία", "Czechia", "Czech", "CZE"),
    ("DK", "Δανός", "Δανή", "Δανική", "Δανία", "Denmark", "Danish", "DNK"),
    ("EE", "Εσθονός", "Εσθονή", "Εσθονική", "Εσθονία", "Estonia", "Estonian", "EST"),
    ("FI", "Φινλανδός", "Φινλανδή", "Φινλανδική", "Φινλανδία", "Finland", "Finnish", "FIN"),
    ("FR", "Γάλλος", "Γαλλίδα", "Γαλλική", "Γαλλία", "France", "French", "FRA"),
    ("DE", "Γερμανός", "Γερμανίδα", "Γερμανική", "Γερμανία", "Germany", "German", "DEU"),
    ("GR", "Έλληνας", "Ελληνίδα", "Ελληνική", "Ελλάδα", "Greece", "Greek", "GRC"),
    ("HU", "Ούγγρος", "Ουγγαρέζα", "Ουγγρική", "Ουγγαρία", "Hungary", "Hungarian", "HUN"),
    ("IE", "Ιρλανδός", "Ιρλανδή", "Ιρλανδική", "Ιρλανδία", "Ireland", "Irish", "IRL"),
    ("IT", "Ιταλός", "Ιταλίδα", "Ιταλική", "Ιταλία", "Italy", "Italian", "ITA"),
    ("LV", "Λετονός", "Λετονή", "Λετονική", "Λετονία", "Latvia", "Latvian", "LVA"),
    ("LT", "Λιθουανός", "Λιθουανή", "Λιθουανική", "Λιθουανία", "Lithuania", "Lithuanian", "LTU"),
    ("LU", "Λουξεμβούργιος", "Λουξεμβούργια", "Λουξεμβουργιανή", "Λουξεμβούργο", "Luxembourg", "Luxembourgish",
     "LUX"),
    ("MT", "Μαλτέζος", "Μαλτέζα", "Μαλτεζική", "Μάλτα", "Malta", "Maltese", "MLT"),
    ("NL", "Ολλανδός", "Ολλανδή", "Ολλανδική", "Κάτω Χώρες", "Netherlands", "Dutch", "NLD"),
    ("PL", "Πολωνός", "Πολωνή", "Πολωνική", "Πολωνία", "Poland", "Polish", "POL"),
    ("PT", "Πορτογάλος", "Πορτογαλίδα", "Πορτογαλική", "Πορτογαλία", "Portugal", "Portuguese", "PRT"),
    ("RO", "Ρουμάνος", "Ρουμάνα", "Ρουμανική", "Ρουμανία", "Romania", "Romanian", "ROU"),
    ("SK", "Σλοβάκος", "Σλοβάκα", "Σλοβακική", "Σλοβακία", "Slovakia", "Slovak", "SVK"),
    ("SI", "Σλοβένος", "Σλοβένα", "Σλοβενική", "Σλοβενία", "Slovenia", "Slovenian", "SVN"),
    ("ES", "Ισπανός", "Ισπανίδα", "Ισπανική", "Ισπανία", "Spain", "Spanish", "ESP"),
    ("SE", "Σουηδός", "Σουηδή", "Σουηδική", "Σουηδία", "Sweden", "Swedish", "SWE"),
]


def test_the_table_covers_the_27_member_states():
    assert {row[0] for row in MEMBER_STATES} == EU_MEMBER_STATES
    assert len(EU_MEMBER_STATES) == 27


@pytest.mark.parametrize("row", MEMBER_STATES, ids=[row[0] for row in MEMBER_STATES])
def test_every_form_of_a_member_state_maps_to_its_code_and_counts_as_eu(row):
    code, *forms = row
    spellings = []
    for form in forms:
        spellings += [form, form.upper(), form.lower(), f" {form} "]
    spellings += [code, code.lower(), f"{forms[2]}ς υπηκοότητας", f"{forms[2]} υπηκοότητα"]
    for text in spellings:
        assert map_text(text) == code, text
    assert group_of(code) == (GREEK if code == "GR" else OTHER_EU)


@pytest.mark.parametrize("text,code", [
    ("Ρουμάνα", "RO"), ("Γερμανίδα", "DE"), ("ρουμανα", "RO"), ("Roumana", "RO"), ("ΓΕΡΜΑΝΙΔΑ", "DE"),
    ("Ελληνικής υπηκοότητας", "GR"), ("EL", "GR"), ("ελληνικη", "GR"),
])
def test_the_feminine_nouns_staff_type_are_eu_not_third_country(text, code):
    assert map_text(text) == code
    assert group_of(map_text(text)) != THIRD_COUNTRY


@pytest.mark.parametrize("text,code", [
    ("Αλβανία", "AL"), ("Αλβανός", "AL"), ("Αλβανίδα", "AL"), ("Αλβανική", "AL"), ("Albanian", "AL"), ("ALB", "AL"),
    ("Συρία", "SY"), ("Σύρος", "SY"), ("Syrian", "SY"), ("Αφγανιστάν", "AF"), ("Αφγανός", "AF"),
    ("Πακιστάν", "PK"), ("Γεωργία", "GE"), ("Ουκρανή", "UA"), ("Ukraine", "UA"), ("Ρωσία", "RU"),
    ("Ηνωμένο Βασίλειο", "GB"), ("British", "GB"), ("Τουρκία", "TR"), ("Ιράκ", "IQ"),
])
def test_third_countries(text, code):
    assert map_text(text) == code
    assert group_of(code) == THIRD_COUNTRY


@pytest.mark.parametrize("text", ["Ανιθαγενής", "ανιθαγενης", "Stateless", "XX", "Χωρίς υπηκοότητα"])
def test_stateless_people_are_third_country_nationals(text):
    assert map_text(text) == STATELESS
    assert group_of(STATELESS) == THIRD_COUNTRY


@pytest.mark.parametrize("text", ["", "  ", "-", "?", "Άγνωστη", "unknown", "Δεν δηλώθηκε"])
def test_empty_and_unknown_are_not_declared(text):
    assert map_text(text) == ""
    assert group_of(map_text(text)) == NOT_DECLARED


@pytest.mark.parametrize("text", ["Ρουμανοαλβανή", "Ευρωπαία", "Βαλκάνια", "xyz", "Ελλ. Ρουμ."])
def test_words_it_cannot_read_are_left_for_staff(text):
    assert map_text(text) is None


NATIONALITY_CSV = """household,reference,last_name,first_name,nationality
N-1,yes,Popescu,Ana,Ρουμάνα
N-1,,Popescu,Ion,Βαλκάνια
N-2,yes,Hoxha,Arben,Αλβανός
"""


@pytest.mark.django_db
def test_an_import_maps_nationalities_once_and_lists_what_it_cannot_read():
    from distribution.models import Person
    from distribution.selectors.reporting import unresolved_nationalities
    from distribution.services import imports

    with translation.override("en"):
        groups = imports.check_rows(imports.read_table("list.csv", NATIONALITY_CSV.encode()))
        counts, report = {**imports.summary_of_check(groups), **imports._new_counts()}, []
        imports.import_groups(groups, by=None, dry_run=False, counts=counts, report=report)
    people = {p.first_name: p for p in Person.objects.all()}
    assert (people["Ana"].nationality, people["Ana"].nationality_group) == ("RO", OTHER_EU)
    assert (people["Arben"].nationality, people["Arben"].nationality_group) == ("AL", THIRD_COUNTRY)
    assert (people["Ion"].nationality, people["Ion"].nationality_recorded) == ("", "Βαλκάνια")
    assert any("Βαλκάνια" in line["message"] for line in report if line["level"] == "warning")
    assert unresolved_nationalities() == [{"nationality_recorded": "Βαλκάνια", "people": 1}]


@pytest.mark.django_db
def test_staff_resolve_a_text_once_for_everyone_who_has_it(staff_client):
    from distribution.models import Household, Person

    household = Household.objects.create()
    for name, text in [("Α", "Βαλκάνια"), ("Β", "Βαλκάνια"), ("Γ", "Ρουμάνα")]:
        Person.objects.create(household=household, first_name=name, nationality=text, is_reference=name == "Α")
    page = staff_client.get(reverse("distribution:nationalities"))
    assert page.status_code == 200 and "Βαλκάνια" in page.content.decode()
    response = staff_client.post(reverse("distribution:nationalities"), {"text": "Βαλκάνια", "code": "MK"})
    assert response.status_code == 302
    assert sorted(Person.objects.values_list("nationality", "nationality_group")) == [
        ("MK", THIRD_COUNTRY), ("MK", THIRD_COUNTRY), ("RO", OTHER_EU)]
    bad = staff_client.post(reverse("distribution:nationalities"), {"text": "x", "code": "Ρουμανία"}, follow=True)
    assert bad.status_code == 200 and Person.objects.filter(nationality="").count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_the_texts_already_recorded():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("distribution", "0006_membership_in_time")])
    apps = executor.loader.project_state([("distribution", "0006_membership_in_time")]).apps
    OldHousehold, OldPerson = apps.get_model("distribution", "Household"), apps.get_model("distribution", "Person")
    household = OldHousehold.objects.create()
    for text in ["Ρουμάνα", "Γερμανίδα", "Ελληνική", "Αλβανία", "Ανιθαγενής", "Άγνωστη", "Βαλκάνια", ""]:
        OldPerson.objects.create(household=household, first_name=text or "κενό", nationality=text)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from distribution.models import Person

    found = {p.first_name: (p.nationality, p.nationality_recorded, p.nationality_group) for p in Person.everyone.all()}
    assert found == {
        "Ρουμάνα": ("RO", "", OTHER_EU), "Γερμανίδα": ("DE", "", OTHER_EU), "Ελληνική": ("GR", "", GREEK),
        "Αλβανία": ("AL", "", THIRD_COUNTRY), "Ανιθαγενής": (STATELESS, "", THIRD_COUNTRY),
        "Άγνωστη": ("", "", NOT_DECLARED), "Βαλκάνια": ("", "Βαλκάνια", NOT_DECLARED), "κενό": ("", "", NOT_DECLARED),
    }
