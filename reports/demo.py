"""Demo data of the region's view: the region and municipality of the demo centres, and a person with the
regional role and one with the municipal role (they see the region's reports, no centre's page)."""

import secrets

from core.models import Centre, Municipality, Oversight, Region, User

REGION = "Ανατολική Μακεδονία και Θράκη"
MUNICIPALITY = "Δήμος Δράμας"
USERS = [
    ("region", "perifereia", "Αναστασία", "Κυριακίδου"),
    ("municipality", "dimos", "Στέλιος", "Παπάς"),
]


def load(ctx):
    region, _created = Region.objects.get_or_create(name=REGION)
    municipality, _created = Municipality.objects.get_or_create(region=region, name=MUNICIPALITY)
    # The centres no other demo placed in a municipality: the first (Drama) and any made without one.
    Centre.objects.filter(municipality__isnull=True).update(municipality=municipality)
    for role, username, first, last in USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(9)
        user = User.objects.create_user(username=username, password=password, first_name=first, last_name=last,
                                        email=f"{username}@example.org")
        Oversight.objects.create(user=user, **({"region": region} if role == "region" else
                                               {"municipality": municipality}))
        ctx.logins.append((role, username, password))
