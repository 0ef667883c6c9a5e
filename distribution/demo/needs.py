"""Demo needs: the coordinator's list (the examples of the centre's own list), a few needs recorded for
demo households (special-category ones with explicit consent), and the substitutions the demo days
make for them (distribution.demo.days)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.memberships import members as centre_members

from ..models import BasketSubstitution, Household, HouseholdNeed, Need
from ..services.needs import record_need

NEEDS = [  # (code, Greek, English, special category, recorded for)
    ("infant", "Βρέφος κάτω των 12 μηνών", "Infant under 12 months", False, Need.AppliesTo.MEMBER),
    ("diabetic", "Διαβήτης", "Diabetic", True, Need.AppliesTo.MEMBER),
    ("gluten-free", "Χωρίς γλουτένη (κοιλιοκάκη)", "Gluten-free (coeliac)", True, Need.AppliesTo.MEMBER),
    ("no-pork", "Χωρίς χοιρινό", "No pork", True, Need.AppliesTo.HOUSEHOLD),
    ("nut-allergy", "Αλλεργία στους ξηρούς καρπούς", "Allergy to nuts", True, Need.AppliesTo.MEMBER),
]
# (need, kind, item replaced, item given, quantity, basis): what the demo days adapt.
SUBSTITUTIONS = [
    ("gluten-free", "replace", "Spaghetti 500 g", "Gluten-free pasta 500 g", "1", "household"),
    ("infant", "add", None, "Infant formula 400 g", "2", "member"),
]


def load(ctx):
    for code, el, en, special, applies_to in NEEDS:
        Need.objects.get_or_create(code=code, defaults={"name_el": el, "name_en": en, "special_category": special,
                                                        "applies_to": applies_to})
    if HouseholdNeed.objects.exists():
        ctx.say("distribution: demo needs already recorded.")
        return
    staff = centre_members("staff").order_by("pk").first()
    needs = {need.code: need for need in Need.objects.all()}
    today = timezone.localdate()
    recorded = 0
    households = Household.objects.filter(import_reference__startswith="DEMO-", status=Household.Status.ACTIVE)
    for household in households.prefetch_related("members").order_by("pk"):
        members = list(household.members.all())
        draw = ctx.rng.random()
        consent = {"legal_basis": Household.LegalBasis.CONSENT,
                   "consent_date": today - timedelta(days=ctx.rng.randint(5, 300))}
        babies = [p for p in members if p.birth_date and (today - p.birth_date).days < 365]
        for baby in babies:
            record_need(household, needs["infant"], person=baby, by=staff)
            recorded += 1
        if draw < 0.04 and len(members) > 1:
            record_need(household, needs["gluten-free"], person=members[1], by=staff, **consent)
            recorded += 1
        elif draw < 0.07:
            record_need(household, needs["no-pork"], by=staff, **consent)
            recorded += 1
        elif draw < 0.09:
            record_need(household, needs["diabetic"], person=members[0], by=staff, **consent)
            recorded += 1
    ctx.say(f"distribution: {len(NEEDS)} needs on the list, {recorded} recorded for demo households.")


def substitutions_for(day, items) -> list[BasketSubstitution]:
    """The demo substitutions of `day` (unsaved); `items` by English name."""
    needs = {need.code: need for need in Need.objects.all()}
    return [BasketSubstitution(day=day, need=needs[code], kind=kind, from_item=items.get(replaced),
                               item=items[given], quantity=Decimal(quantity), basis=basis)
            for code, kind, replaced, given, quantity, basis in SUBSTITUTIONS if code in needs]
