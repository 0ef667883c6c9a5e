"""Demo households: about 200 (a smaller centre's share of them, ctx.scale), with Greek, Roma and
migrant/refugee names, a KEA programme, enrolments (some expiring soon) and cards for most households.
Idempotent: households are keyed by their import reference in the centre (DEMO-0001…), so a second run
creates nothing. Their town and areas are the centre's (core.demo.place)."""

from datetime import date, timedelta

from django.utils import timezone

from core.demo import place
from core.memberships import members
from core.models import Location

from ..identifiers import card_number_for_serial, hash_token, make_amka
from ..models import AuthorisedCollector, Card, Enrolment, Household, Person, Programme

HOUSEHOLDS = 200
GREEK_MEN = ["Γιώργος", "Δημήτρης", "Κωνσταντίνος", "Νίκος", "Γιάννης", "Χρήστος", "Παναγιώτης", "Βασίλης",
             "Αθανάσιος", "Μιχάλης", "Ευάγγελος", "Σταύρος", "Ηλίας", "Αντώνης", "Στέλιος"]
GREEK_WOMEN = ["Μαρία", "Ελένη", "Αικατερίνη", "Βασιλική", "Σοφία", "Αναστασία", "Ευαγγελία", "Δέσποινα",
               "Παρασκευή", "Κυριακή", "Χρυσούλα", "Θεοδώρα", "Αγγελική", "Ζωή", "Στυλιανή"]
GREEK_SURNAMES = [("Παπαδόπουλος", "Παπαδοπούλου"), ("Ιωαννίδης", "Ιωαννίδου"), ("Γεωργιάδης", "Γεωργιάδου"),
                  ("Καραγιάννης", "Καραγιάννη"), ("Οικονόμου", "Οικονόμου"), ("Τσολάκης", "Τσολάκη"),
                  ("Χατζηδάκης", "Χατζηδάκη"), ("Αθανασίου", "Αθανασίου"), ("Δημητρίου", "Δημητρίου"),
                  ("Κεχαγιάς", "Κεχαγιά"), ("Σιδηρόπουλος", "Σιδηροπούλου"), ("Πασχαλίδης", "Πασχαλίδου"),
                  ("Θεοδωρίδης", "Θεοδωρίδου"), ("Μαυρίδης", "Μαυρίδου"), ("Κουτσούκης", "Κουτσούκη")]
ROMA_MEN = ["Μουσταφά", "Σαλή", "Ραμαδάν", "Χασάν", "Αλή", "Μεχμέτ", "Ορχάν", "Γιουσούφ", "Τζεμαλή", "Ισμαήλ",
            "Σάββας", "Μπαϊράμ"]
ROMA_WOMEN = ["Αϊσέ", "Φατμέ", "Εμινέ", "Ζεϊνέπ", "Χατιτζέ", "Σεμπιχά", "Γκιουλσέν", "Ναζιφέ", "Μελέκ",
              "Σεμπαέτ", "Λεϊλά"]
ROMA_SURNAMES = [("Σαλής", "Σαλή"), ("Μουσταφάς", "Μουσταφά"), ("Αχμέτ", "Αχμέτ"), ("Καρακάσης", "Καρακάση"),
                 ("Μεμέτης", "Μεμέτη"), ("Χασάνης", "Χασάνη"), ("Ιμπραήμ", "Ιμπραήμ"), ("Τσακίρης", "Τσακίρη"),
                 ("Μπεκήρ", "Μπεκήρ"), ("Σουλεϊμάν", "Σουλεϊμάν")]
MIGRANTS = [  # (first names men, women, surnames, nationality)
    (["Ahmad", "Mohammad", "Omar", "Yusuf"], ["Fatima", "Amina", "Zainab", "Mariam"],
     ["Al-Hassan", "Haidari", "Rahimi", "Karimi", "Nazari"], "Αφγανιστάν"),
    (["Khaled", "Samir", "Bassel"], ["Rania", "Nour", "Lina"], ["Al-Ahmad", "Haddad", "Khalil"], "Συρία"),
    (["Arben", "Ilir", "Gentian"], ["Drita", "Mirela", "Elona"], ["Hoxha", "Shehu", "Berisha"], "Αλβανία"),
    (["Giorgi", "Levan"], ["Nino", "Tamar"], ["Beridze", "Kapanadze"], "Γεωργία"),
]
STREETS = ["Αγίου Δημητρίου", "Κομνηνών", "Λαμπριανίδου", "Εθνικής Αμύνης", "Βενιζέλου", "Ίωνος Δραγούμη",
           "Αμφιπόλεως", "Κ. Καραμανλή", "Ηρώων Πολυτεχνείου", "Μητροπόλεως"]


def _people(rng, kind):
    """A household's members: (first, last, sex, birth date, relation, nationality)."""
    today = date(2026, 1, 1)
    if kind == "roma":
        men, women, surnames, nationality = ROMA_MEN, ROMA_WOMEN, ROMA_SURNAMES, "Ελληνική"
    elif kind == "migrant":
        men, women, plain, nationality = rng.choice(MIGRANTS)
        surnames = [(s, s) for s in plain]
    else:
        men, women, surnames, nationality = GREEK_MEN, GREEK_WOMEN, GREEK_SURNAMES, "Ελληνική"
    male_surname, female_surname = rng.choice(surnames)
    size = rng.choice([1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7] if kind == "roma" else [1, 1, 2, 2, 3, 3, 4, 5])
    elderly = kind == "greek" and rng.random() < 0.25
    reference_age = rng.randint(66, 88) if elderly else rng.randint(22, 58)
    reference_male = rng.random() < 0.45
    people = [(rng.choice(men if reference_male else women), male_surname if reference_male else female_surname,
               "M" if reference_male else "F", today - timedelta(days=365 * reference_age + rng.randint(0, 364)),
               Person.Relation.REFERENCE, nationality)]
    if size > 1 and not elderly:
        partner_male = not reference_male
        people.append((rng.choice(men if partner_male else women), male_surname if partner_male else female_surname,
                       "M" if partner_male else "F",
                       today - timedelta(days=365 * (reference_age + rng.randint(-5, 5)) + rng.randint(0, 364)),
                       Person.Relation.SPOUSE, nationality))
    while len(people) < size:
        male = rng.random() < 0.5
        age = rng.randint(0, max(1, min(reference_age - 18, 25)))
        people.append((rng.choice(men if male else women), male_surname if male else female_surname,
                       "M" if male else "F", today - timedelta(days=365 * age + rng.randint(0, 364)),
                       Person.Relation.GRANDCHILD if elderly else Person.Relation.CHILD, nationality))
    return people


def load(ctx):
    rng = ctx.rng
    staff = members("staff").order_by("pk").first()
    programme, _created = Programme.objects.get_or_create(code="kea-basic", defaults={
        "name": "Βασικά αγαθά για δικαιούχους ΚΕΑ",
        "description": "Διανομή τροφίμων και ειδών πρώτης ανάγκης σε δικαιούχους του Κοινωνικού Εισοδήματος "
                       "Αλληλεγγύης.",
        "once_per_distribution_day": True, "max_collections_per_month": 2})
    Programme.objects.get_or_create(code="winter", defaults={
        "name": "Χειμερινή ενίσχυση (κουβέρτες, ρούχα)", "once_per_distribution_day": True,
        "max_collections_per_month": 1})
    today = timezone.localdate()
    town = place()
    # Roma households are the branch's where the centre has one (Drama's Roma branch).
    branch = Location.objects.filter(kind=Location.Kind.BRANCH).exists()
    created = 0
    for index in range(1, ctx.size(HOUSEHOLDS) + 1):
        reference_code = f"DEMO-{index:04d}"
        draw = rng.random()
        kind = "roma" if draw < 0.35 else "migrant" if draw < 0.5 else "greek"
        people = _people(rng, kind)
        declared = rng.random() < 0.8
        street = rng.choice(STREETS)
        number = rng.randint(1, 120)
        if Household.objects.filter(import_reference=reference_code).exists():
            rng.random(), rng.random(), rng.random(), rng.random()  # keep the sequence stable
            continue
        household = Household.objects.create(
            import_reference=reference_code, address=f"{street} {number}, {town['town']}",
            area="Παράρτημα Ρομά" if kind == "roma" and branch else rng.choice(town["areas"]),
            categories={"kea": "yes", "poverty": "yes"} if declared else {"kea": "yes"},
            legal_basis=Household.LegalBasis.PUBLIC_TASK if rng.random() < 0.7 else Household.LegalBasis.CONSENT,
            consent_date=today - timedelta(days=rng.randint(10, 600)), consent_recorded_by=staff,
            consent_text_version="2026-1", retention_until=today + timedelta(days=365 * 5), created_by=staff,
        )
        for position, (first, last, sex, birth, relation, nationality) in enumerate(people):
            age = (today - birth).days // 365
            categories = {}
            if rng.random() < 0.85:  # some people declared nothing at all
                if kind == "roma":
                    categories["roma"] = "yes"
                if kind == "migrant":
                    categories[rng.choice(["protection", "asylum", "migrant"])] = "yes"
                if age >= 65:
                    categories["senior"] = "yes"
                if age < 18:
                    categories["child"] = "yes"
                if relation == Person.Relation.REFERENCE and age < 65:
                    categories["unemployed"] = rng.choice(["yes", "no"])
                if rng.random() < 0.06:
                    categories["disability"] = "yes"
            has_amka = kind != "migrant" or rng.random() < 0.4
            Person.objects.create(
                household=household, is_reference=position == 0, relation=relation, first_name=first,
                last_name=last, sex=sex, birth_date=birth, nationality=nationality,
                amka=make_amka(birth, town["serial"] + index * 10 + position) if has_amka else "",
                other_id_kind="" if has_amka else "paaypa",
                other_id="" if has_amka else f"ΠΑΑΥΠΑ-{rng.randint(100000, 999999)}",
                phone=f"69{rng.randint(10000000, 99999999)}" if position == 0 else "", categories=categories)
        start = today - timedelta(days=rng.randint(30, 300))
        end = today + timedelta(days=rng.randint(3, 25)) if index % 8 == 0 else start + timedelta(days=365)
        Enrolment.objects.create(household=household, programme=programme, start=start, end=end,
                                 decision_reference=f"Απόφ. {rng.randint(100, 999)}/{start.year}", created_by=staff)
        if index % 10 == 0:
            name = f"{rng.choice(GREEK_WOMEN)} {rng.choice(GREEK_SURNAMES)[1]}"
            AuthorisedCollector.objects.create(household=household, name=name, relation="γειτόνισσα",
                                               id_number=f"ΑΚ {rng.randint(100000, 999999)}", created_by=staff)
        if index % 12 != 0:  # most households have a card
            card = Card.objects.create(household=household, requested_by=staff)
            card.number = card_number_for_serial(card.pk)
            # Demo tokens come from the seeded generator (reproducible for trying the scan station);
            # real tokens come from secrets.token_bytes in services.cards.print_cards.
            token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
            card.token_hash = hash_token(token)
            card.status = Card.Status.HANDED_OVER if index % 5 else Card.Status.PRINTED
            card.printed_at = timezone.now()
            card.printed_by = staff
            card.valid_until = today + timedelta(days=365)
            if card.status == Card.Status.HANDED_OVER:
                card.handed_over_at, card.handed_over_by, card.handed_over_to = timezone.now(), staff, people[0][0]
            card.save()
        created += 1
    ctx.say(f"distribution: {created} demo households")
