"""Core demo data: the Drama centre's public details, its sites and store room, demo users."""

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


def load(ctx):
    centre = Centre.current()
    if not centre.address:  # the first centre, as a fresh installation made it: the demo fills it in
        for name, value in CENTRE.items():
            setattr(centre, name, value)
        centre.slug = "drama" if not Centre.objects.filter(slug="drama").exists() else centre.slug
        centre.save()
    for name, kind, address, phone in LOCATIONS:
        Location.objects.get_or_create(name=name, defaults={
            "kind": kind, "address": address, "phone": phone, "opening_hours": CENTRE["opening_hours"]})
    for role, username, first, last in USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username=username, password=password, first_name=first, last_name=last,
                                        email=f"{username}@example.org")
        set_role(user, centre, role)
        ctx.logins.append((role, username, password))
