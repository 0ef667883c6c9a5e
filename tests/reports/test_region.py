"""The region's view: a regional or municipal role sees, for the centres it oversees, each centre's
figures (those of the centre's own report) and their sum, as a page, an XLSX and a PDF; never a person,
a household, a name, an AMKA or a phone. A coordinator is refused the region's pages."""

import io
import zipfile
from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Location, Municipality, Oversight, Region
from core.tenancy import centre_scope
from distribution.models import DistributionDay, Household, Person, Programme
from inventory.models import Item
from tests.factories import CentreFactory, UserFactory

from .factories import KnownData, collect, known_data, make_person

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
REGION_PAGES = ["reports:region_esf", "reports:region_distribution", "reports:region_stock",
                "reports:region_activities"]
# What identifies the people made below: none of it may reach the region.
PERSONAL = ["Ardita", "Erion", "Σαλής", "Αϊσέ", "Nour", "Γιώργος", "Δοκιμή", "Κωνσταντίνα", "Καβαλιώτη",
            "12345678903", "6912345678", "Λάθος κάρτα", "Τραπέζι"]


def kavala_data() -> KnownData:
    """Centre B's own small March: one household of two, rice and soap on 05/03."""
    user = UserFactory(role="staff", username="kavala-staff")
    location = Location.objects.create(name="Κέντρο Κοινότητας Καβάλας")
    programme = Programme.objects.create(code="kavala-food", name="Τρόφιμα Καβάλας")
    day = DistributionDay.objects.create(date=date(2026, 3, 5), location=location, programme=programme,
                                         starts_at=time(9), ends_at=time(13))
    items = {"lentils": Item.objects.create(name_el="Φακές 500 g", category=Item.Category.FOOD, is_food=True,
                                            food_group=Item.FoodGroup.STARCH, weight_kg=Decimal("0.5"),
                                            unit_value_eur=Decimal("1.40")),
             "soap": Item.objects.create(name_el="Σαπούνι Καβάλας", category=Item.Category.HYGIENE,
                                         weight_kg=Decimal("0.1"), unit_value_eur=Decimal("1.00"))}
    household = Household.objects.create(categories={"homeless": "no"})
    data = KnownData(location, programme, programme, {"mar05": day}, items, {"K1": household})
    make_person(household, "Κωνσταντίνα", data, sex="F", birth_date=date(1980, 4, 4), nationality="GR")
    make_person(household, "Μικρή", data, sex="F", birth_date=date(2015, 4, 4), nationality="GR")
    Person.everyone.filter(household=household).update(last_name="Καβαλιώτη", phone="6912345678")
    Person.everyone.filter(first_name="Κωνσταντίνα").update(amka="12345678903")
    collect(data, "K1", "mar05", [("lentils", 3, None), ("soap", 1, None)], user=user)
    data.user = user
    return data


@pytest.fixture
def region():
    """Drama (the first centre, with the worked-out March of tests/reports/factories.py) and Kavala (its
    own March), two centres of one region; a person with the regional role and one with the municipal."""
    macedonia = Region.objects.create(name="Ανατολική Μακεδονία και Θράκη")
    drama_town = Municipality.objects.create(region=macedonia, name="Δράμα")
    kavala_town = Municipality.objects.create(region=macedonia, name="Καβάλα")
    from core.models import Centre

    drama = Centre.objects.order_by("pk").first()
    drama.municipality = drama_town
    drama.save()
    kavala = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala", municipality=kavala_town)
    known_data()
    with centre_scope(kavala):
        kavala_data()
    regional = UserFactory(username="periphereia", role=None)
    Oversight.objects.create(user=regional, region=macedonia)
    municipal = UserFactory(username="dimos-dramas", role=None)
    Oversight.objects.create(user=municipal, municipality=drama_town)
    return {"drama": drama, "kavala": kavala, "regional": regional, "municipal": municipal}


def _figures(tables) -> dict:
    """{indicator number: value} of an ESF+ document's figure tables (No., indicator, value, …)."""
    return {row[0]: row[2] for table in tables for row in table.rows
            if isinstance(row[0], str) and row[0][:1].isdigit()}


def _tables(document) -> dict:
    return {str(table.title): table for table in document.tables}


def test_the_regions_esf_figures_are_each_centres_own_and_their_sum(client, region):
    client.force_login(region["regional"])
    document = client.get(reverse("reports:region_esf"), MARCH).context["document"]
    own = {}
    for centre in ("drama", "kavala"):
        staff = UserFactory(role="staff", role__centre=region[centre])
        client.force_login(staff)
        page = client.get(reverse("reports:esf"), MARCH)
        own[centre] = _figures(page.context["document"].tables)
    # Each centre's own report counts its own: Drama's worked-out March of every programme (tests/reports/
    # test_esf.py: 19.55 € and 4 people of kea-basic, and Nour's 12.00 € of the other); Kavala's lentils and
    # soap to a household of two.
    assert (own["drama"]["1"], own["drama"]["3"]) == (Decimal("31.55"), 5)
    assert (own["kavala"]["1"], own["kavala"]["3"], own["kavala"]["4"]) == (Decimal("5.20"), 2, 2)
    per_centre = next(t for t in document.tables if t.title.endswith("(€): ανά κέντρο"))
    numbers = [column.label for column in per_centre.columns[1:]]
    rows = {row[0]: dict(zip(numbers, row[1:], strict=True)) for row in per_centre.rows}
    assert rows["Κέντρο Κοινότητας Καβάλας"]["1"] == own["kavala"]["1"]
    for number in numbers:
        assert rows["Άθροισμα των κέντρων"][number] == sum(own[c][number] for c in own), number
    summed = _figures(table for table in document.tables if table.title.endswith("άθροισμα των κέντρων"))
    for number, value in own["drama"].items():
        assert summed[number] == value + own["kavala"][number], number


def test_nothing_personal_reaches_the_region(client, region):
    for who in ("regional", "municipal"):
        client.force_login(region[who])
        assert client.get(reverse("reports:region")).status_code == 200
        for name in REGION_PAGES:
            page = client.get(reverse(name), MARCH)
            assert page.status_code == 200 and page.context["document"] is not None, name
            text = page.content.decode()
            workbook = client.get(reverse(name), {**MARCH, "format": "xlsx"}).content
            with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
                text += "".join(archive.read(part).decode() for part in archive.namelist() if part.endswith(".xml"))
            pdf = client.get(reverse(name), {**MARCH, "format": "pdf"})
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            text += _pdf_text(pdf.content)
            found = [word for word in PERSONAL if word in text]
            assert not found, (who, name, found)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_municipal_role_sees_its_municipalitys_centres_only(client, region):
    client.force_login(region["municipal"])
    document = client.get(reverse("reports:region_stock"), MARCH).context["document"]
    centres = [row[0] for row in _tables(document)["Απόθεμα ανά κέντρο"].rows]
    assert centres == [str(region["drama"]), "Άθροισμα των κέντρων"]


def test_a_coordinator_is_refused_the_regions_pages_and_a_regional_role_every_centre_page(client, region,
                                                                                          coordinator):
    client.force_login(coordinator)
    for name in ["reports:region", *REGION_PAGES]:
        assert client.get(reverse(name)).status_code == 403, name
    client.force_login(region["regional"])
    for name in ("reports:index", "reports:esf", "distribution:households", "inventory:stock", "events:staff_list"):
        assert client.get(reverse(name)).status_code == 403, name
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("reports:region_esf") in home


def test_a_bad_period_or_area_gets_a_message_not_an_error(client, region):
    client.force_login(region["regional"])
    for params in ({"start": "2026-03-31", "end": "2026-03-01"}, {"start": "9999-01-01", "end": "9999-12-31"},
                   {"start": "x", "end": "\x00"}, {**MARCH, "area": "999999"}, {**MARCH, "area": "=1+2"}):
        for name in REGION_PAGES:
            page = client.get(reverse(name), params)
            assert page.status_code == 200 and page.context["document"] is None, (name, params)
    # Another person's area is not one of hers.
    other = Oversight.objects.get(user=region["municipal"])
    page = client.get(reverse("reports:region_stock"), {**MARCH, "area": str(other.pk)})
    assert page.context["document"] is None and "area" in page.context["form"].errors


def test_a_regional_roles_pages_name_her_area_and_her_exports_are_in_each_centres_log(client, region):
    from core.models import AuditLog

    client.force_login(region["regional"])
    page = client.get(reverse("reports:region_esf"), MARCH).content.decode()
    brand = page.split('class="brand"', 1)[1].split("</a>", 1)[0]
    assert "Περιφέρεια: Ανατολική Μακεδονία και Θράκη" in brand
    assert str(region["drama"].short_name or region["drama"].name) not in brand
    before = AuditLog.every_centre.filter(action=AuditLog.Action.EXPORT).count()
    assert client.get(reverse("reports:region_esf"), {**MARCH, "format": "xlsx"}).status_code == 200
    entries = AuditLog.every_centre.filter(action=AuditLog.Action.EXPORT).order_by("pk")[before:]
    # One entry in the log of each centre whose figures the file holds, by the regional role.
    assert sorted(entry.centre_id for entry in entries) == sorted([region["drama"].pk, region["kavala"].pk])
    assert {(entry.username, entry.role) for entry in entries} == {("periphereia", "region")}
    # The municipal role's file holds Drama's figures only: Drama's log alone.
    client.force_login(region["municipal"])
    before = AuditLog.every_centre.filter(action=AuditLog.Action.EXPORT).count()
    assert client.get(reverse("reports:region_stock"), {**MARCH, "format": "pdf"}).status_code == 200
    entries = AuditLog.every_centre.filter(action=AuditLog.Action.EXPORT).order_by("pk")[before:]
    assert [(entry.centre_id, entry.role) for entry in entries] == [(region["drama"].pk, "municipality")]


def test_a_person_with_a_centre_of_her_own_sees_its_name_in_the_header(client, region):
    staff = UserFactory(role="staff", role__centre=region["kavala"])
    client.force_login(staff)
    page = client.get(reverse("core:home")).content.decode()
    assert "Κέντρο Κοινότητας Καβάλας" in page.split('class="brand"', 1)[1].split("</a>", 1)[0]
