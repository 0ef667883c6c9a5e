"""Inventory demo data: everyday donated goods with barcodes, donors, donations received at the
store room and both sites, a transfer to the Roma branch, some goods handed out, thresholds, and
a draft donation and an open stock-take to try the scan pages with. Running it twice adds nothing.
A centre without a branch hands out at its site; a smaller centre (ctx.scale) gets less of it all.

The EANs are made up (Greek 520 prefix, valid check digits), so a real product's code is
"unknown" and shows the create-or-attach offer.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import place
from core.memberships import members
from core.models import Location

from . import services
from .codes import ean_check_digit
from .models import Barcode, Donation, Donor, Item, StockTake

F, H, B, S, HH = (Item.Category.FOOD, Item.Category.HYGIENE, Item.Category.BABY, Item.Category.SCHOOL,
                  Item.Category.HOUSEHOLD)
G = Item.FoodGroup
U = Item.Unit
# (name_el, name_en, category, unit, kg per unit, € per unit, food group, has expiry, has an EAN)
ITEMS = [
    ("Ρύζι γλασέ 1 κιλό", "Rice 1 kg", F, U.PACK, "1", "1.60", G.STARCH, True, True),
    ("Μακαρόνια Νο 10 500 γρ.", "Spaghetti 500 g", F, U.PACK, "0.5", "0.95", G.STARCH, True, True),
    ("Αλεύρι για όλες τις χρήσεις 1 κιλό", "Plain flour 1 kg", F, U.PACK, "1", "0.90", G.STARCH, True, True),
    ("Γάλα μακράς διαρκείας 1 λ.", "UHT milk 1 l", F, U.LITRE, "1.03", "1.35", G.MILK, True, True),
    ("Γάλα εβαπορέ 410 γρ.", "Evaporated milk 410 g", F, U.PIECE, "0.41", "1.25", G.MILK, True, True),
    ("Ελαιόλαδο 1 λ.", "Olive oil 1 l", F, U.LITRE, "0.92", "9.50", G.FATS, True, True),
    ("Ηλιέλαιο 1 λ.", "Sunflower oil 1 l", F, U.LITRE, "0.92", "2.60", G.FATS, True, True),
    ("Ζάχαρη λευκή 1 κιλό", "White sugar 1 kg", F, U.PACK, "1", "1.10", G.SUGAR, True, True),
    ("Φακές ψιλές 500 γρ.", "Lentils 500 g", F, U.PACK, "0.5", "1.40", G.OTHER, True, True),
    ("Φασόλια μέτρια 500 γρ.", "White beans 500 g", F, U.PACK, "0.5", "1.80", G.OTHER, True, True),
    ("Πελτές ντομάτας 410 γρ.", "Tomato paste 410 g", F, U.PIECE, "0.41", "0.85", G.FRUIT_VEG, True, True),
    ("Σαρδέλες σε λάδι 100 γρ.", "Sardines in oil 100 g", F, U.PIECE, "0.1", "1.20", G.MEAT_EGGS_FISH, True, True),
    ("Τόνος σε νερό 160 γρ.", "Tuna in water 160 g", F, U.PIECE, "0.16", "1.90", G.MEAT_EGGS_FISH, True, True),
    ("Πάνες βρεφικές Νο 4 (40 τεμ.)", "Nappies size 4 (40)", B, U.PACK, "1.2", "9.00", "", False, True),
    ("Σαπούνι πλάκα 125 γρ.", "Bar soap 125 g", H, U.PIECE, "0.125", "0.70", "", False, True),
    ("Σαμπουάν 400 ml", "Shampoo 400 ml", H, U.PIECE, "0.42", "2.40", "", False, True),
    ("Οδοντόκρεμα 75 ml", "Toothpaste 75 ml", H, U.PIECE, "0.1", "1.50", "", False, True),
    ("Οδοντόβουρτσα", "Toothbrush", H, U.PIECE, "0.02", "0.80", "", False, False),
    ("Χαρτί υγείας 8 ρολά", "Toilet paper 8 rolls", HH, U.PACK, "0.8", "2.90", "", False, True),
    ("Τετράδιο σπιράλ Α4", "Spiral notebook A4", S, U.PIECE, "0.3", "1.50", "", False, False),
    # Given instead of, or besides, the basket to households with a need (distribution's demo substitutions).
    ("Ζυμαρικά χωρίς γλουτένη 500 γρ.", "Gluten-free pasta 500 g", F, U.PACK, "0.5", "2.60", G.STARCH, True, True),
    ("Γάλα βρεφικό σε σκόνη 400 γρ.", "Infant formula 400 g", F, U.PACK, "0.4", "11.50", G.MILK, True, True),
]
DONORS = [  # {of_town} and {donor}: the centre's (core.demo.place)
    ("Πρόγραμμα Επισιτιστικής και Βασικής Υλικής Συνδρομής (ΕΚΤ+)", Donor.Kind.PROGRAMME, ""),
    ("Αρτοποιείο «Το Σταχύ» {of_town}", Donor.Kind.BUSINESS, "099887766"),
    ("Σύλλογος Εθελοντών Αιμοδοτών {of_town}", Donor.Kind.ORGANISATION, ""),
    ("{donor}", Donor.Kind.PERSON, ""),
]


def demo_ean(index: int) -> str:
    body = f"5209{index:08d}"
    return body + str(ean_check_digit(body))


# Pack sizes: (item, pack name, units, the pack's own EAN or "" for our own pack label).
PACKS = [("UHT milk 1 l", "κιβώτιο", 12, "5209999000014"), ("Spaghetti 500 g", "χαρτόκουτο", 10, "")]


# A pre-packed kit: (Greek name, English name, [(item, quantity per kit)]).
KIT = ("Καλάθι 1–2 ατόμων", "Basket for 1–2 people",
       [("Rice 1 kg", 1), ("Spaghetti 500 g", 2), ("UHT milk 1 l", 2), ("Olive oil 1 l", 1)])


def locations():
    """The current centre's store room, site and branch (its site when it has no branch)."""
    store = Location.objects.filter(kind=Location.Kind.STORE).order_by("pk").first()
    site = Location.objects.filter(kind=Location.Kind.SITE).order_by("pk").first()
    branch = Location.objects.filter(kind=Location.Kind.BRANCH).order_by("pk").first() or site
    return store, site, branch


def load(ctx):
    store, site, branch = locations()
    staff = members("staff").order_by("pk").first()
    if not (store and site and staff):
        ctx.say("inventory: the core demo locations or staff are missing; skipped.")
        return
    items = {}
    for index, (el, en, category, unit, kg, eur, group, expiry, has_ean) in enumerate(ITEMS, start=1):
        item = Item.objects.filter(name_el=el).first()
        if item is None:
            item = services.save_item(
                Item(name_el=el, name_en=en, category=category, unit=unit, weight_kg=Decimal(kg),
                     unit_value_eur=Decimal(eur), is_food=bool(group), food_group=group, has_expiry=expiry),
                by=staff, barcode=demo_ean(index) if has_ean else "")
        items[en] = item
    for name, pack_name, units, code in PACKS:
        if not items[name].packs.exists():
            services.add_pack(items[name], name=pack_name, units=units, code=code, by=staff)
    kit = Item.objects.filter(name_el=KIT[0]).first() or services.save_item(
        Item(name_el=KIT[0], name_en=KIT[1], category=Item.Category.FOOD, is_food=True,
             food_group=Item.FoodGroup.STARCH, has_expiry=True, weight_kg=Decimal("4.5"),
             unit_value_eur=Decimal("9.50")), by=staff)
    if not kit.kit_components.exists():
        services.kits.set_kit_contents(kit, [(items[name], quantity) for name, quantity in KIT[2]], by=staff)
    donors, town = {}, place()
    for name, kind, tax in DONORS:
        name = name.format(**town)
        donors[kind] = Donor.objects.filter(name=name).first() or services.save_donor(
            Donor(name=name, kind=kind, tax_number=tax, address=town["town"]), by=staff)
    if Donation.objects.exists():
        ctx.say("inventory: demo stock already loaded.")
        return
    today = timezone.localdate()
    rng = ctx.rng
    size = ctx.size

    def receive(donor, location, days_ago, lines):
        donation = services.create_donation(donor=donor, location=location, date=today - timedelta(days=days_ago),
                                            by=staff)
        for name, quantity, expiry_days in lines:
            item = items[name]
            expiry = today + timedelta(days=expiry_days) if item.has_expiry else None
            lot = f"L{rng.randint(1000, 9999)}" if item.has_expiry else ""
            services.add_donation_line(donation, item=item, quantity=size(quantity), lot=lot, expiry_date=expiry,
                                       by=staff)
        services.receive_donation(donation, by=staff)
        return donation

    receive(donors[Donor.Kind.PROGRAMME], store, 40, [
        ("Rice 1 kg", 300, 400), ("Spaghetti 500 g", 400, 300), ("Plain flour 1 kg", 200, 180),
        ("UHT milk 1 l", 240, 25), ("Evaporated milk 410 g", 192, 320), ("Olive oil 1 l", 120, 500),
        ("Sunflower oil 1 l", 120, 270), ("White sugar 1 kg", 150, 700), ("Lentils 500 g", 200, 350),
        ("White beans 500 g", 200, 350), ("Tomato paste 410 g", 240, 420), ("Sardines in oil 100 g", 300, 600),
        ("Tuna in water 160 g", 240, 700), ("Nappies size 4 (40)", 60, 0), ("Bar soap 125 g", 300, 0),
        ("Shampoo 400 ml", 150, 0), ("Toothpaste 75 ml", 200, 0), ("Toilet paper 8 rolls", 100, 0),
    ])
    receive(donors[Donor.Kind.BUSINESS], site, 12, [
        ("Plain flour 1 kg", 40, 90), ("UHT milk 1 l", 36, 9), ("Spaghetti 500 g", 60, 200),
    ])
    if ctx.scale >= 1:  # a smaller centre's few donations: the programme's, a business's, a person's
        receive(donors[Donor.Kind.ORGANISATION], site, 6, [
            ("Spiral notebook A4", 80, 0), ("Toothbrush", 100, 0), ("Toothpaste 75 ml", 50, 0),
        ])
    receive(donors[Donor.Kind.PERSON], branch, 3, [
        ("Rice 1 kg", 10, 200), ("Lentils 500 g", 12, 15), ("Bar soap 125 g", 20, 0),
    ])
    services.transfer_stock(from_location=store, to_location=branch, by=staff, note="Για τη διανομή της Πέμπτης",
                            lines=[(items[n], size(q)) for n, q in [
                                ("Rice 1 kg", 80), ("Spaghetti 500 g", 80), ("UHT milk 1 l", 60),
                                ("Olive oil 1 l", 30), ("Nappies size 4 (40)", 20), ("Bar soap 125 g", 60)]])
    services.kits.assemble_kits(kit, location=store, count=size(20), by=staff)
    basket = [("Rice 1 kg", 2), ("Spaghetti 500 g", 2), ("UHT milk 1 l", 2), ("Olive oil 1 l", 1),
              ("Bar soap 125 g", 2)]
    for household in range(1, size(18) + 1):
        services.take_out(location=branch, lines=[(items[n], q) for n, q in basket], by=staff,
                          document_type="demo.basket", document_id=str(household))
    for item_name, location, threshold in [("Nappies size 4 (40)", branch, 25), ("UHT milk 1 l", branch, 40),
                                           ("Olive oil 1 l", site, 10), ("Rice 1 kg", store, 50),
                                           ("Toothbrush", site, 20)]:
        services.set_threshold(items[item_name], location, Decimal(size(threshold)), by=staff)
    draft = services.create_donation(donor=donors[Donor.Kind.BUSINESS], location=store, by=staff,
                                     notes="Κούτες στην είσοδο, να σαρωθούν")
    services.add_donation_line(draft, item=items["White sugar 1 kg"], quantity=size(24), lot="Z77",
                               expiry_date=today + timedelta(days=500), by=staff)
    if not StockTake.objects.exists():
        stocktake = services.start_stocktake(location=site, by=staff, note="Μηνιαία απογραφή")
        services.add_count(stocktake, item=items["Plain flour 1 kg"], quantity=Decimal(size(38)), shelf="Ράφι Α",
                           by=staff)
    at = f"{store}, {site} and {branch}" if branch != site else f"{store} and {site}"
    ctx.say(f"inventory: {Item.objects.count()} items ({Barcode.objects.count()} barcodes), "
            f"{Donation.objects.count()} donations, stock at {at}.")
