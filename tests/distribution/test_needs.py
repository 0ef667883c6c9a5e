"""Needs and substitutions: the adapted basket at the station, in the stock taken, the day's stock check,
the signature list and the manifest; explicit consent for special-category needs; the audit log and
anonymisation; a volunteer never sees a need."""

import json
import subprocess
import uuid
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from distribution.models import BasketSubstitution, Collection, HouseholdNeed, Need
from distribution.selectors.baskets import NO_NEEDS, Basket, NeedFacts, basket_for, needs_by_household
from distribution.selectors.days import stock_check
from distribution.selectors.scan import cards_of_day, day_plan, forget_scan_plans
from distribution.services import DistributionError
from distribution.services.manifest import day_manifest
from distribution.services.needs import record_need, remove_need, save_need
from distribution.services.retention import anonymise_household
from distribution.services.scans import basket_of_card, record_scan
from inventory.models import StockMovement
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import household, open_around_now
from tests.distribution.needs_helpers import GLUTEN_FREE, INFANT, NO_PORK, adapted_day, d, member, with_consent
from tests.inventory.helpers import stock

pytestmark = pytest.mark.django_db

SECRETS = [text for fields in (GLUTEN_FREE, INFANT, NO_PORK) for text in (fields["code"], fields["name_el"],
                                                                          fields["name_en"])]


def scan(day, code, by, station="Τραπέζι 1"):
    return record_scan(day_id=day.pk, code=code, station=station, request_id=str(uuid.uuid4()), by=by)


def lines(basket) -> dict[str, str]:
    """{item name: quantity} of a scan answer's basket."""
    return {line["item"]: line["quantity"] for line in basket}


def readable(response) -> str:
    """The answer's text with JSON's escapes undone (a Greek name is \\u-escaped in JSON)."""
    text = (response.content if not response.streaming else b"".join(response.streaming_content)).decode()
    if "json" in response.get("Content-Type", ""):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def assert_no_need(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_a_substitution_changes_the_station_basket_the_stock_and_the_signature_list(
        volunteer_user, staff_user, staff_client, tmp_path):
    day, items, listed = adapted_day()
    hh, _card, code = household(day.programme, size=3)
    with_consent(hh, listed["gluten-free"], staff_user, person=member(hh, 1))
    _plain, _card2, plain_code = household(day.programme, size=3)
    # The planner's stock check counts the substitution before anyone comes.
    check = {line.item.pk: line.needed for line in stock_check(day).lines}
    assert check[items["spaghetti"].pk] == d(5) and check[items["penne_gf"].pk] == d(1)
    assert items["formula"].pk not in check  # no household needs it

    answer = scan(day, code, volunteer_user)
    assert answer.status == 201, answer.body
    got = lines(answer.body["basket"])
    assert got["Σπαγγέτι"] == "2" and got["Πένες GF"] == "1" and got["Κονσέρβα χοιρινό"] == "1"
    assert_no_need(json.dumps(answer.body, ensure_ascii=False))
    taken = available_by_item(day.location, [items["spaghetti"], items["penne_gf"]])
    assert taken[items["spaghetti"].pk] == d(98) and taken[items["penne_gf"].pk] == d(99)
    assert lines(scan(day, plain_code, volunteer_user).body["basket"])["Σπαγγέτι"] == "3"
    # The rest still to come: none.
    assert {line.item.pk: line.needed for line in stock_check(day).lines}[items["spaghetti"].pk] == 0

    response = staff_client.get(reverse("distribution:day_signatures", args=[day.pk]))
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Πένες GF × 1" in text and "Σπαγγέτι × 2" in text and "Σπαγγέτι × 3" in text
    assert_no_need(text)


def test_what_leaves_stock_is_the_adapted_basket_earliest_expiry_first(volunteer_user, staff_user):
    day, items, listed = adapted_day(stock_per_item=0)
    for name in ("rice", "soap", "nappies", "spaghetti", "pork"):
        stock(items[name], day.location, 10, expiry=date.today() + timedelta(days=300))
    stock(items["chicken"], day.location, 5, lot="late", expiry=date.today() + timedelta(days=300))
    stock(items["chicken"], day.location, 5, lot="early", expiry=date.today() + timedelta(days=20))
    hh, _card, code = household(day.programme, size=2)
    with_consent(hh, listed["no-pork"], staff_user)
    answer = scan(day, code, volunteer_user)
    assert answer.status == 201, answer.body
    assert "Κονσέρβα χοιρινό" not in lines(answer.body["basket"])
    out = StockMovement.objects.filter(document_type="distribution.collection", item=items["chicken"])
    assert [(m.lot, m.quantity) for m in out] == [("early", d(-1))]
    assert not StockMovement.objects.filter(document_type="distribution.collection", item=items["pork"]).exists()


def test_without_the_substitutes_in_stock_the_station_refuses_and_says_what_is_missing(volunteer_user, staff_user):
    day, items, listed = adapted_day(stock_per_item=0)
    for name in ("rice", "soap", "nappies", "spaghetti", "pork"):
        stock(items[name], day.location, 10)
    hh, _card, code = household(day.programme, size=2)
    with_consent(hh, listed["no-pork"], staff_user)
    answer = scan(day, code, volunteer_user)
    assert answer.status == 422 and answer.body["outcome"] == "out_of_stock"
    assert "Κονσέρβα κοτόπουλο" in answer.body["message"]
    assert not Collection.objects.filter(day=day).exists()


def test_the_rules_of_combining(staff_user):
    day, items, listed = adapted_day(stock_per_item=0)
    _day, rules = day_plan(day.pk)
    gf, infant, no_pork = listed["gluten-free"].pk, listed["infant"].pk, listed["no-pork"].pk
    counts = {rule.pk: 4 for rule in rules if rule.basis == "member" and rule.max_age is None}

    def basket(needs):
        return {line.item.name_el: line.quantity for line in basket_for(rules, 4, counts, needs)}

    plain = basket(NO_NEEDS)
    assert plain["Σπαγγέτι"] == 4 and "Πένες GF" not in plain and plain["Κονσέρβα χοιρινό"] == 1
    # A member's need: that member's share; a need of the household: every member's share and the whole line.
    two = basket(NeedFacts(members=((date(1990, 1, 1), frozenset({gf})), (None, frozenset({gf, infant})))))
    assert (two["Σπαγγέτι"], two["Πένες GF"], two["Γάλα βρεφικό"]) == (2, 2, 2)
    whole = basket(NeedFacts(household=frozenset({gf, no_pork})))
    assert "Σπαγγέτι" not in whole and whole["Πένες GF"] == 4
    assert "Κονσέρβα χοιρινό" not in whole and whole["Κονσέρβα κοτόπουλο"] == 1
    # A household need given per member (every member) and a ratio other than one.
    BasketSubstitution.objects.filter(day=day, need_id=gf).update(quantity=d("0.5"))
    BasketSubstitution.objects.filter(day=day, need_id=infant).update(basis="household")
    forget_scan_plans()
    _day, rules = day_plan(day.pk)
    halves = {line.item.name_el: line.quantity
              for line in basket_for(rules, 4, counts, NeedFacts(members=((None, frozenset({gf, infant})),)))}
    assert halves["Πένες GF"] == d("0.5") and halves["Σπαγγέτι"] == 3 and halves["Γάλα βρεφικό"] == 2


def test_the_scan_and_the_planner_work_out_the_same_basket(staff_user):
    """The scan reads a household's needs in SQL with its card; the planner and the desk through the ORM:
    both end in selectors.baskets.basket_for and agree, for members who left and households merged too."""
    day, items, listed = adapted_day(stock_per_item=0)
    households = []
    for size, needs in [(1, ["no-pork"]), (3, ["gluten-free"]), (4, ["gluten-free", "infant", "no-pork"]), (2, [])]:
        hh, _card, _code = household(day.programme, size=size, children_under_3=1 if size > 2 else 0)
        for index, code in enumerate(needs):
            person = member(hh, index % size) if listed[code].applies_to == "member" else None
            with_consent(hh, listed[code], staff_user, person=person)
        households.append(hh)
    gone = member(households[2], 1)
    gone.left_on = timezone.localdate()
    gone.is_reference = False
    gone.save()
    forget_scan_plans()
    _day, rules = day_plan(day.pk)
    from distribution.selectors.baskets import member_counts_for
    from distribution.selectors.days import expected_with_members

    planned = {}
    facts = needs_by_household([hh.pk for hh in households], rules)
    for hh in expected_with_members(day):
        planned[hh.pk] = sorted((line.item.pk, line.quantity) for line in basket_for(
            rules, len(hh.members.all()), member_counts_for(hh, rules, day.date), facts.get(hh.pk, NO_NEEDS)))
    scanned = {card.household_id: sorted((line.item.pk, line.quantity) for line in basket_of_card(rules, card))
               for card in cards_of_day(day, rules)}
    assert scanned == planned
    assert planned[households[2].pk] != planned[households[3].pk]


def test_special_category_needs_take_explicit_consent(staff_user):
    _day, _items, listed = adapted_day(stock_per_item=0)
    hh, _card, _code = household(None, size=2)
    assert hh.legal_basis == "public_task"
    with pytest.raises(DistributionError) as refused:
        record_need(hh, listed["no-pork"], by=staff_user)
    assert "ρητή συγκατάθεση" in str(refused.value)
    with pytest.raises(DistributionError):
        record_need(hh, listed["gluten-free"], person=member(hh, 1), by=staff_user, legal_basis="consent")
    # A need that is not special-category follows the household's basis.
    infant = record_need(hh, listed["infant"], person=member(hh, 1), by=staff_user)
    assert infant.legal_basis == "public_task" and infant.consent_date is None
    # The database refuses it as well, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdNeed.objects.create(household=hh, need=listed["no-pork"], special_category=True,
                                     legal_basis="public_task")
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdNeed.objects.create(household=hh, need=listed["no-pork"], special_category=True,
                                     legal_basis="consent")
    # Marking a need special-category while it is recorded without consent is refused.
    listed["infant"].special_category = True
    with pytest.raises(DistributionError):
        save_need(listed["infant"], by=staff_user)
    # A member's need needs the member; a household's need is the household's.
    with pytest.raises(DistributionError):
        record_need(hh, listed["gluten-free"], by=staff_user, legal_basis="consent", consent_date=date.today())
    other, _c, _q = household(None, size=2)
    with pytest.raises(DistributionError):
        with_consent(hh, listed["gluten-free"], staff_user, person=member(other, 1))
    record = with_consent(hh, listed["no-pork"], staff_user, person=member(hh, 1))
    assert record.person is None and record.special_category


def test_the_audit_log_never_names_the_need_and_anonymisation_removes_needs(staff_user):
    _day, _items, listed = adapted_day(stock_per_item=0)
    hh, _card, _code = household(None, size=2)
    record = with_consent(hh, listed["gluten-free"], staff_user, person=member(hh, 1))
    with_consent(hh, listed["no-pork"], staff_user)
    remove_need(record, by=staff_user)
    entries = AuditLog.objects.filter(content_type__model="householdneed")
    assert entries.count() == 3 and {e.action for e in entries} == {"create", "delete"}
    assert entries.filter(user=staff_user).count() == 3
    with_consent(hh, listed["gluten-free"], staff_user, person=member(hh, 1))
    anonymise_household(hh, by=staff_user)
    assert not HouseholdNeed.objects.filter(household=hh).exists()
    for entry in AuditLog.objects.all():
        assert_no_need(json.dumps([entry.object_repr, entry.changes], ensure_ascii=False))
    assert Need.objects.count() == 3  # the list stays


def test_a_volunteer_never_sees_a_need(volunteer_client, volunteer_user, staff_user):
    day, _items, listed = adapted_day()
    open_around_now(day)
    hh, card, code = household(day.programme, size=3, first_name="Φατμέ", last_name="Χασάν")
    with_consent(hh, listed["gluten-free"], staff_user, person=member(hh, 1))
    with_consent(hh, listed["no-pork"], staff_user)
    record_need(hh, listed["infant"], person=member(hh, 2), by=staff_user)
    answers = [
        volunteer_client.get(reverse("distribution:station_pick")),
        volunteer_client.get(reverse("distribution:station", args=[day.pk]), {"station": "Τραπέζι 1"}),
        volunteer_client.post(reverse("distribution:station_search", args=[day.pk]),
                              {"q": "Χασάν", "station": "Τραπέζι 1"}),
        volunteer_client.get(f"/api/v1/days/{day.pk}/manifest"),
        volunteer_client.get(f"/api/v1/days/{day.pk}"),
        volunteer_client.get("/api/v1/days"),
        volunteer_client.post("/api/v1/scans", {"day": day.pk, "code": code, "station": "Τραπέζι 1",
                                                "request_id": str(uuid.uuid4())}, content_type="application/json"),
        volunteer_client.post("/api/v1/scans", {"day": day.pk, "code": code, "station": "Τραπέζι 2",
                                                "request_id": str(uuid.uuid4())}, content_type="application/json"),
        # A station's offline queue synchronised: another table handed out too (an offline hand-out).
        volunteer_client.post("/api/v1/scans/batch", {"scans": [{
            "day": day.pk, "code": code, "station": "Τραπέζι 3", "request_id": str(uuid.uuid4()),
            "made_at": timezone.localtime().isoformat()}]}, content_type="application/json"),
    ]
    for response in answers:
        assert response.status_code in (200, 201, 409), (response.status_code, response.content[:300])
        assert_no_need(readable(response))
    assert "Χασάν" in readable(answers[2])
    assert "Πένες GF" in readable(answers[6])
    assert "Πένες GF" in readable(answers[8]) and "offline_handout" in readable(answers[8])
    # What a volunteer may not reach at all.
    for path in ["/api/v1/needs", f"/api/v1/households/{hh.pk}/needs", f"/api/v1/households/{hh.pk}"]:
        assert volunteer_client.get(path).status_code == 403, path
    for name, args in [("household", [hh.pk]), ("household_needs", [hh.pk]), ("needs", []),
                       ("day", [day.pk]), ("day_signatures", [day.pk]),
                       ("handout_desk", [hh.pk])]:
        assert volunteer_client.get(reverse(f"distribution:{name}", args=args)).status_code == 403, name


def test_the_manifest_carries_basket_variants_not_needs(volunteer_user, staff_user):
    day, _items, listed = adapted_day()
    coeliac, coeliac_card, _c1 = household(day.programme, size=3)
    with_consent(coeliac, listed["gluten-free"], staff_user, person=member(coeliac, 1))
    _plain, plain_card, _c2 = household(day.programme, size=3)
    manifest = day_manifest(day_id=day.pk, by=volunteer_user)
    entries = {entry["n"]: entry for entry in manifest["entries"]}
    adapted, plain = entries[coeliac_card.display_number], entries[plain_card.display_number]
    assert adapted["b"] != plain["b"]
    assert lines(manifest["baskets"][adapted["b"]])["Πένες GF"] == "1"
    assert "Πένες GF" not in lines(manifest["baskets"][plain["b"]])
    assert_no_need(json.dumps(manifest, default=str, ensure_ascii=False))
    # A need recorded later reaches the stations with the next delta.
    version = manifest["version"]
    later = with_consent(_plain, listed["no-pork"], staff_user)
    HouseholdNeed.objects.filter(pk=later.pk).update(recorded_at=timezone.now())
    delta = day_manifest(day_id=day.pk, since=version, by=volunteer_user)
    changed = {entry["n"]: entry for entry in delta["entries"]}
    assert plain_card.display_number in changed
    assert "Κονσέρβα κοτόπουλο" in lines(delta["baskets"][changed[plain_card.display_number]["b"]])


@pytest.mark.django_db(transaction=True)
def test_needs_cost_the_scan_no_statement(volunteer_user, staff_user):
    day, _items, listed = adapted_day()
    codes = []
    for _ in range(3):
        hh, _card, code = household(day.programme, size=3)
        codes.append((hh, code))
    with_consent(codes[1][0], listed["gluten-free"], staff_user, person=member(codes[1][0], 1))
    scan(day, codes[0][1], volunteer_user)  # warm the caches
    counts = []
    for _hh, code in codes[1:]:
        with CaptureQueriesContext(connection) as context:
            assert scan(day, code, volunteer_user).status == 201
        counts.append(len([q for q in context.captured_queries
                           if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]))
    assert counts[0] == counts[1] == (4 if connection.vendor == "postgresql" else 6)


def test_a_basket_without_substitutions_is_a_plain_list():
    assert Basket([], []).substitutions == [] and basket_for([], 3, {}) == []


def test_staff_set_substitutions_with_the_days_basket_and_record_needs_on_the_household_page(
        staff_client, coordinator, staff_user):
    day, items, listed = adapted_day(stock_per_item=0)
    BasketSubstitution.objects.filter(day=day).delete()
    page = staff_client.get(reverse("distribution:day_edit", args=[day.pk]))
    assert page.status_code == 200 and "subs-TOTAL_FORMS" in page.content.decode()
    rules = list(day.basket_rules.order_by("id"))
    data = {"date": day.date.isoformat(), "location": day.location_id, "programme": day.programme_id,
            "starts_at": "10:00", "ends_at": "14:00", "stations": day.stations, "notes": "",
            "basket-TOTAL_FORMS": str(len(rules)), "basket-INITIAL_FORMS": str(len(rules)),
            "subs-TOTAL_FORMS": "2", "subs-INITIAL_FORMS": "0",
            "subs-0-need": listed["gluten-free"].pk, "subs-0-kind": "replace",
            "subs-0-from_item": items["spaghetti"].pk,
            "subs-0-item": items["penne_gf"].pk, "subs-0-quantity": "1", "subs-0-basis": "household",
            # A replacement without the item it replaces: refused with the constraint's message.
            "subs-1-need": listed["infant"].pk, "subs-1-kind": "replace", "subs-1-item": items["formula"].pk,
            "subs-1-quantity": "2", "subs-1-basis": "member"}
    for index, rule in enumerate(rules):
        data.update({f"basket-{index}-id": rule.pk, f"basket-{index}-day": day.pk,
                     f"basket-{index}-item": rule.item_id, f"basket-{index}-basis": rule.basis,
                     f"basket-{index}-quantity": str(rule.quantity),
                     f"basket-{index}-max_age": rule.max_age if rule.max_age is not None else "",
                     f"basket-{index}-min_size": rule.min_size or "", f"basket-{index}-max_size": rule.max_size or ""})
    refused = staff_client.post(reverse("distribution:day_edit", args=[day.pk]), data)
    assert refused.status_code == 200 and "ορίζει το είδος που αντικαθίσταται" in refused.content.decode()
    data.update({"subs-1-kind": "add"})
    assert staff_client.post(reverse("distribution:day_edit", args=[day.pk]), data).status_code == 302
    assert [(s.kind, s.item_id) for s in day.substitutions.order_by("id")] == [
        ("replace", items["penne_gf"].pk), ("add", items["formula"].pk)]
    assert AuditLog.objects.filter(object_id=str(day.pk), changes__has_key="substitutions").exists()
    detail = staff_client.get(reverse("distribution:day", args=[day.pk])).content.decode()
    assert "Σπαγγέτι → Πένες GF" in detail and "+ Γάλα βρεφικό" in detail

    hh, _card, _code = household(day.programme, size=2)
    page = staff_client.get(reverse("distribution:household", args=[hh.pk])).content.decode()
    assert "h-needs" in page
    add = reverse("distribution:household_needs", args=[hh.pk])
    staff_client.post(add, {"need": listed["no-pork"].pk})  # special: no consent, nothing recorded
    assert not HouseholdNeed.objects.filter(household=hh).exists()
    staff_client.post(add, {"need": listed["no-pork"].pk, "legal_basis": "consent",
                            "consent_date": timezone.localdate().isoformat()})
    record = HouseholdNeed.objects.get(household=hh)
    assert "Χωρίς χοιρινό" in staff_client.get(add).content.decode()
    staff_client.post(reverse("distribution:household_need_remove", args=[hh.pk, record.pk]))
    assert not HouseholdNeed.objects.filter(household=hh).exists()
    # The list is the coordinator's.
    assert staff_client.get(reverse("distribution:needs")).status_code == 403
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    assert coordinator_client.post(reverse("distribution:needs"), {
        "code": "diabetic", "name_el": "Διαβήτης", "name_en": "Diabetic", "special_category": "on",
        "applies_to": "member", "is_active": "on"}).status_code == 302
    assert Need.objects.get(code="diabetic").special_category


def test_the_api_lists_needs_and_records_them_for_staff(staff_client, staff_user):
    _day, _items, listed = adapted_day(stock_per_item=0)
    hh, _card, _code = household(None, size=2)
    assert {n["code"] for n in staff_client.get("/api/v1/needs").json()} >= {"gluten-free", "infant", "no-pork"}
    url = f"/api/v1/households/{hh.pk}/needs"
    refused = staff_client.post(url, {"need": "gluten-free", "person_id": member(hh, 1).pk},
                                content_type="application/json")
    assert refused.status_code == 422 and "ρητή συγκατάθεση" in refused.json()["message"]
    made = staff_client.post(url, {"need": "gluten-free", "person_id": member(hh, 1).pk, "legal_basis": "consent",
                                   "consent_date": timezone.localdate().isoformat()}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert staff_client.post(url, {"need": "no-such"}, content_type="application/json").status_code == 422
    read = staff_client.get(url).json()
    assert [(r["need"]["code"], r["person_id"]) for r in read] == [("gluten-free", member(hh, 1).pk)]
    assert AuditLog.objects.filter(action="view", object_id=str(hh.pk), changes__fields=["needs"]).exists()
    assert staff_client.delete(f"{url}/{made.json()['id']}").status_code == 204
    assert staff_client.get(url).json() == []


def test_the_desk_proposes_the_adapted_basket_and_the_export_of_a_person_lists_their_needs(staff_user):
    from distribution.services.handouts import desk_answer
    from distribution.services.retention import person_access_export

    day, _items, listed = adapted_day()
    hh, _card, _code = household(day.programme, size=2)
    with_consent(hh, listed["no-pork"], staff_user)
    with_consent(hh, listed["gluten-free"], staff_user, person=member(hh, 1))
    answer = desk_answer(household=hh, programme=day.programme, location=day.location)
    given = {line.item.name_el: line.quantity for line in answer.basket}
    assert given["Κονσέρβα κοτόπουλο"] == 1 and "Κονσέρβα χοιρινό" not in given
    assert given["Πένες GF"] == 1 and given["Σπαγγέτι"] == 1
    reference = person_access_export(member(hh, 0), by=staff_user)["needs"]
    assert [(n["need"], n["of"]) for n in reference] == [("Χωρίς χοιρινό", "household")]
    other = person_access_export(member(hh, 1), by=staff_user)["needs"]
    assert {(n["need"], n["of"]) for n in other} == {("Χωρίς χοιρινό", "household"),
                                                     ("Κοιλιοκάκη (χωρίς γλουτένη)", "person")}


def test_a_merge_moves_the_needs_without_recording_one_twice(staff_user):
    from distribution.services.households import merge_households

    _day, _items, listed = adapted_day(stock_per_item=0)
    keep, _c1, _q1 = household(None, size=2)
    other, _c2, _q2 = household(None, size=3)
    with_consent(keep, listed["no-pork"], staff_user)
    with_consent(other, listed["no-pork"], staff_user)
    coeliac, twice = member(other, 1), member(other, 2)
    with_consent(other, listed["gluten-free"], staff_user, person=coeliac)
    record_need(other, listed["infant"], person=twice, by=staff_user)
    kept_twin = member(keep, 1)  # the same person as `twice`, registered in both households
    merge_households(keep, other, by=staff_user, same=[(kept_twin, twice)])
    moved = HouseholdNeed.objects.filter(household=keep)
    assert sorted((r.need.code, r.person_id) for r in moved) == [
        ("gluten-free", coeliac.pk), ("infant", kept_twin.pk), ("no-pork", None)]
    assert not HouseholdNeed.objects.filter(household=other).exists()
    coeliac.refresh_from_db()
    assert coeliac.household_id == keep.pk


def test_a_substitution_or_need_saved_before_the_doors_open_reaches_the_very_next_scan(volunteer_user, staff_user):
    """No stale basket: the scan keeps the day's plan a few seconds, but saving substitutions touches the
    day (the plan is read again at once) and a household's needs are read with its card, in the scan's
    own transaction."""
    from distribution.services.needs import set_substitutions

    day, items, listed = adapted_day()
    BasketSubstitution.objects.filter(day=day).delete()
    day.save()
    second, _c2, second_code = household(day.programme, size=2)
    assert scan(day, "KC1-AAAAAAAAAAAAAAAA", volunteer_user).status == 422  # the plan is kept from now
    set_substitutions(day, [BasketSubstitution(need=listed["no-pork"], kind="replace", from_item=items["pork"],
                                               item=items["chicken"], quantity=1)], by=staff_user)
    with_consent(second, listed["no-pork"], staff_user)
    got = lines(scan(day, second_code, volunteer_user).body["basket"])
    assert got.get("Κονσέρβα κοτόπουλο") == "1" and "Κονσέρβα χοιρινό" not in got


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_in_parallel_the_substitutes_leave_stock_exactly_once_each(on_postgres, staff_user):
    """Twelve tables at once, half the households with a need whose substitute is short: the adapted
    baskets share the substitute's stock exactly (three collect, three are refused for stock), the
    others collect their plain basket, and the ledger agrees with the levels."""
    from django.core.management import call_command

    from tests.distribution.test_concurrency import fire
    from tests.factories import UserFactory

    day, items, listed = adapted_day(stock_per_item=0)
    for name, item in items.items():
        stock(item, day.location, 3 if name == "chicken" else 100)
    calls = []
    for index in range(12):
        hh, _card, code = household(day.programme, size=1)
        if index % 2 == 0:
            with_consent(hh, listed["no-pork"], staff_user)
        calls.append((code, UserFactory(username=f"needs-table{index}", role="volunteer"), f"Τ{index}",
                      str(uuid.uuid4())))
    answers = fire(day, calls)
    adapted = [answer for index, answer in enumerate(answers) if index % 2 == 0]
    plain = [answer for index, answer in enumerate(answers) if index % 2 == 1]
    assert sorted(a.status for a in adapted) == [201] * 3 + [422] * 3
    assert {a.body["outcome"] for a in adapted if a.status == 422} == {"out_of_stock"}
    assert all(a.status == 201 and "Κονσέρβα χοιρινό" in lines(a.body["basket"]) for a in plain)
    level = available_by_item(day.location, [items["chicken"], items["pork"]])
    assert level == {items["chicken"].pk: d(0), items["pork"].pk: d(94)}
    call_command("check_stock")
