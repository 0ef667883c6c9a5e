"""Core demo data: the Drama centre's public details, its sites and store room, demo users; two more
invented centres of the region (other_centres) with their own places and people; where each centre's
demo people live (place), which the other apps' demos read."""

import secrets

from .memberships import set_role
from .models import Centre, Location, User

CENTRE = {
    "name": "Κέντρο Κοινότητας & Παράρτημα Ρομά Δήμου Δράμας",
    "short_name": "Κέντρο Κοινότητας Δράμας",
    "address": "Πλατεία Ελευθερίας (Ισόγειο Παλαιού Δημαρχείου), Δράμα",
    "phones": "2521057206, 2521025527 (Παράρτημα Ρομά)",
    "email": "kkoin@dimosdramas.gr",
    "opening_hours": "Δευτέρα–Παρασκευή 07:30–15:30",
    "coordinator_name": "Τριανταφυλλιά Τζάφου",
    "funding_notice": "Συγχρηματοδότηση της Ευρωπαϊκής Ένωσης — Ευρωπαϊκό Κοινωνικό Ταμείο+, "
    "Πρόγραμμα «Ανατολική Μακεδονία και Θράκη 2021-2027».",
}
LOCATIONS = [
    ("Κέντρο Κοινότητας — Πλατεία Ελευθερίας", Location.Kind.SITE,
     "Πλατεία Ελευθερίας (Ισόγειο Παλαιού Δημαρχείου), Δράμα", "2521057206"),
    ("Παράρτημα Ρομά", Location.Kind.BRANCH, "Δράμα", "2521025527"),
    ("Αποθήκη Κέντρου", Location.Kind.STORE, "Πλατεία Ελευθερίας, Δράμα", ""),
]
USERS = [
    ("coordinator", "syntonistria", "Τριανταφυλλιά", "Τζάφου"),
    ("staff", "koinoniki", "Μαρία", "Παπαδοπούλου"),
    ("staff", "psychologos", "Νίκος", "Αθανασίου"),
    ("volunteer", "ethelontis", "Γιώργος", "Καραγιάννης"),
    ("volunteer", "ethelontria", "Ελένη", "Σαλή"),
]


# Where the centre's demo people live and what they are called after (the Drama centre's; the other
# centres' come with them below): the town, its genitive (names of donors), the areas of its households,
# an invented private donor, where the centre's demo AMKA serials start (no two centres share one) and
# its volunteers' addresses.
PLACE = {"town": "Δράμα", "of_town": "Δράμας", "serial": 0, "donor": "Ευαγγελία Μουρατίδου",
         "areas": ["Κέντρο", "Αγία Σοφία", "Νέα Πλαγιά", "Σιταγροί", "Χωριστή", "Καλλιφύτος", "Πολύδροσο"],
         "addresses": ["Δράμα, κέντρο", "Δράμα, Αγία Σοφία", "Κουδουνάδες", "Νέα Αμισός"]}  # volunteers'



def load(ctx):
    """The current centre's places and people: the Drama centre's (any centre that is not one of the
    other demo centres, as the tests' centres), or one of the other centres' (core.demo.other_centres)."""
    centre = Centre.current()
    spec = _spec(centre)
    if spec is None and not centre.address:  # the first centre, as a fresh installation made it: the demo fills it in
        for name, value in CENTRE.items():
            setattr(centre, name, value)
        centre.slug = "drama" if not Centre.objects.filter(slug="drama").exists() else centre.slug
        centre.save()
    details = spec["details"] if spec else CENTRE
    for name, kind, address, phone in spec["locations"] if spec else LOCATIONS:
        Location.objects.get_or_create(name=name, defaults={
            "kind": kind, "address": address, "phone": phone, "opening_hours": details["opening_hours"]})
    for role, username, first, last in people():
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username=username, password=password, first_name=first, last_name=last,
                                        email=f"{username}@example.org")
        set_role(user, centre, role)
        ctx.logins.append((role, username, password))


def people() -> list:
    """The current centre's demo accounts: (role, username, first name, last name)."""
    spec = _spec(Centre.current())
    return spec["users"] if spec else USERS


def place() -> dict:
    """The current centre's town, areas and the like (PLACE)."""
    spec = _spec(Centre.current())
    return spec["place"] if spec else PLACE


def _spec(centre):
    return next((spec for spec in OTHER_CENTRES if spec["slug"] == centre.slug), None)


# Two more centres of the same region, invented (their details are examples, not real contacts), so that
# the demo coordinator, a member of all three, sees the centre switcher on every page.
REGION = "Ανατολική Μακεδονία και Θράκη"  # the region reports.demo names too
OTHER_CENTRES = [
    {
        "slug": "doxato", "municipality": "Δήμος Δοξάτου",
        "details": {"name": "Κέντρο Κοινότητας Δήμου Δοξάτου", "short_name": "Κέντρο Κοινότητας Δοξάτου",
                    "address": "Πλατεία Δημαρχείου, Δοξάτο", "phones": "2521000000",
                    "email": "kentro-koinotitas@doxato.example.org", "opening_hours": CENTRE["opening_hours"],
                    "coordinator_name": "Τριανταφυλλιά Τζάφου", "funding_notice": CENTRE["funding_notice"]},
        "locations": [("Κέντρο Κοινότητας Δοξάτου", Location.Kind.SITE, "Πλατεία Δημαρχείου, Δοξάτο", "2521000000"),
                      ("Αποθήκη Δοξάτου", Location.Kind.STORE, "Δοξάτο", "")],
        "users": [("staff", "koinoniki-doxato", "Αικατερίνη", "Χατζηδάκη"),
                  ("volunteer", "ethelontis-doxato", "Παναγιώτης", "Μαυρίδης")],
        "place": {"town": "Δοξάτο", "of_town": "Δοξάτου", "serial": 5000, "donor": "Θεοδώρα Κυριαζίδου",
                  "areas": ["Δοξάτο", "Καλαμπάκι", "Κεφαλάρι", "Άγιος Αθανάσιος", "Φτελιά", "Νεροφράκτης"],
                  "addresses": ["Δοξάτο, κέντρο", "Καλαμπάκι", "Κεφαλάρι"]},
    },
    {
        "slug": "nevrokopi", "municipality": "Δήμος Κάτω Νευροκοπίου",
        "details": {"name": "Κέντρο Κοινότητας Δήμου Κάτω Νευροκοπίου",
                    "short_name": "Κέντρο Κοινότητας Κάτω Νευροκοπίου",
                    "address": "Οδός Δημαρχείου 1, Κάτω Νευροκόπι", "phones": "2523000000",
                    "email": "kentro-koinotitas@nevrokopi.example.org", "opening_hours": CENTRE["opening_hours"],
                    "coordinator_name": "Τριανταφυλλιά Τζάφου", "funding_notice": CENTRE["funding_notice"]},
        "locations": [("Κέντρο Κοινότητας Κάτω Νευροκοπίου", Location.Kind.SITE, "Κάτω Νευροκόπι", "2523000000"),
                      ("Αποθήκη Νευροκοπίου", Location.Kind.STORE, "Κάτω Νευροκόπι", "")],
        "users": [("staff", "koinoniki-nevrokopi", "Δημήτρης", "Τσολάκης"),
                  ("volunteer", "ethelontria-nevrokopi", "Σοφία", "Ιωαννίδου")],
        "place": {"town": "Κάτω Νευροκόπι", "of_town": "Κάτω Νευροκοπίου", "serial": 7000,
                  "donor": "Αθανάσιος Μπαλτζής",
                  "areas": ["Κάτω Νευροκόπι", "Βώλακας", "Γρανίτης", "Περιθώριο", "Οχυρό", "Καταφύτο"],
                  "addresses": ["Κάτω Νευροκόπι, κέντρο", "Βώλακας", "Περιθώριο"]},
    },
]
COORDINATOR_OF_ALL = "syntonistria"


def other_centres(ctx) -> list:
    """The two other demo centres (made once): their details and municipality, the demo coordinator a
    coordinator at each. Returns the centres; load_demo then runs every app's demo in each one's scope
    (this module's `load` makes its places and people)."""
    from .models import Municipality, Region
    from .tenancy import centre_scope

    region, _created = Region.objects.get_or_create(name=REGION)
    coordinator = User.objects.filter(username=COORDINATOR_OF_ALL).first()
    centres = []
    for spec in OTHER_CENTRES:
        municipality, _created = Municipality.objects.get_or_create(region=region, name=spec["municipality"])
        centre, _created = Centre.objects.get_or_create(
            slug=spec["slug"], defaults={**spec["details"], "municipality": municipality})
        if coordinator is not None and not coordinator.memberships.filter(centre=centre).exists():
            with centre_scope(centre):  # the audit row is the centre's
                set_role(coordinator, centre, "coordinator")
        centres.append(centre)
    return centres
