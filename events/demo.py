"""Events demo data: a dozen events over the coming weeks at both sites, registrations, a waiting list.
A smaller centre (ctx.scale) gets a couple of them (its own, not another small centre's) and one held
event, at its site (the Roma branch's events are Drama's).

Idempotent: an event is recognised by its Greek title in the centre, so a second run (even on another
day) creates nothing new. Dates are relative to the day of the first run.
"""

import random
from datetime import datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from core.memberships import members
from core.models import Location
from core.tenancy import current_centre_id

from .models import CheckIn, Event, Question, Registration
from .services import EventError, door, planning, registrations
from .services.registrations import RegistrationRequest

CENTRE, BRANCH = Location.Kind.SITE, Location.Kind.BRANCH  # where an event is: the centre's first of the kind

# (days ahead, hour, minutes long, site, title el, title en, category, audience, ages, capacity, max per
#  registration, approval, description el, description en, questions [(el, en, kind, required)], repeats, status)
EVENTS = [
    (3, 17, 90, CENTRE, "Εργαστήρι ζωγραφικής για παιδιά", "Painting workshop for children", "children",
     "children", (6, 12), 12, 4, False,
     "Ζωγραφίζουμε με νερομπογιές και φυσικά υλικά. Τα υλικά τα δίνει το Κέντρο. Οι γονείς μένουν στον χώρο.",
     "Painting with watercolours and natural materials. The centre provides the materials; parents stay.",
     [("Ηλικίες των παιδιών", "Children's ages", "text", True),
      ("Αλλεργίες ή ανάγκες που πρέπει να ξέρουμε", "Allergies or needs we should know about", "long_text", False)],
     [7, 14], "published"),
    (5, 11, 60, CENTRE, "Πρόληψη του διαβήτη: ομιλία με τη νοσηλεύτρια του Κέντρου",
     "Preventing diabetes: a talk with the centre's nurse", "health", "adults", (18, None), 25, 2, False,
     "Τι είναι ο διαβήτης, πώς τον προλαμβάνουμε, δωρεάν μέτρηση σακχάρου μετά την ομιλία.",
     "What diabetes is, how to prevent it; free blood-sugar test after the talk.",
     [("Θέλετε μέτρηση σακχάρου;", "Would you like a blood-sugar test?", "yes_no", False)], [], "published"),
    (6, 10, 120, CENTRE, "Εργαστήριο βιογραφικού και συνέντευξης εργασίας", "CV and job interview workshop",
     "employment", "adults", (18, None), 10, 1, True,
     "Γράφουμε μαζί βιογραφικό και κάνουμε πρόβα συνέντευξης. Με την οικονομολόγο του Κέντρου.",
     "We write a CV together and rehearse a job interview, with the centre's economist.",
     [("Τι δουλειά ψάχνετε;", "What work are you looking for?", "text", True)], [], "published"),
    (10, 18, 180, BRANCH, "Γιορτή πολιτισμού Ρομά: μουσική, χορός και φαγητό",
     "Roma culture celebration: music, dance and food", "culture", "families", (None, None), 60, 6, False,
     "Η κοινότητα Ρομά της Δράμας γιορτάζει με ζωντανή μουσική, χορό και σπιτικά φαγητά. Όλοι είναι καλοδεχούμενοι.",
     "The Roma community of Drama celebrates with live music, dance and home cooking. Everyone is welcome.",
     [], [], "published"),
    (4, 9, 90, BRANCH, "Μαθήματα ελληνικής γλώσσας για ενήλικες", "Greek lessons for adults", "education", "adults",
     (16, None), 15, 1, False,
     "Ανάγνωση και γραφή για αρχάριους, σε μικρή ομάδα, με την παιδαγωγό του Κέντρου.",
     "Reading and writing for beginners in a small group, with the centre's pedagogue.",
     [("Διαβάζετε ήδη λίγα ελληνικά;", "Do you already read some Greek?", "yes_no", False)], [7, 14, 21],
     "published"),
    (8, 12, 60, CENTRE, "Ενημέρωση για το Ελάχιστο Εγγυημένο Εισόδημα",
     "Information session: the Minimum Guaranteed Income", "awareness", "adults", (18, None), 30, 2, False,
     "Ποιοι δικαιούνται, ποια δικαιολογητικά χρειάζονται, πώς γίνεται η αίτηση. Με την κοινωνική λειτουργό.",
     "Who is eligible, which documents are needed, how to apply. With the social worker.", [], [], "published"),
    (12, 17, 60, BRANCH, "Θεατρικό παιχνίδι για παιδιά", "Drama games for children", "children", "children",
     (5, 10), 15, 3, False,
     "Παιχνίδια έκφρασης και κίνησης. Φέρτε άνετα ρούχα.", "Expression and movement games. Wear comfortable clothes.",
     [("Ηλικίες των παιδιών", "Children's ages", "text", True)], [], "published"),
    (15, 11, 120, CENTRE, "Πρώτες βοήθειες για γονείς", "First aid for parents", "health", "adults", (None, None), 16,
     2, False,
     "Τι κάνουμε σε πνιγμονή, κάψιμο, πυρετό. Πρακτική εξάσκηση σε ομοίωμα, με τη νοσηλεύτρια.",
     "What to do for choking, burns, fever; practice on a manikin with the nurse.", [], [], "published"),
    (9, 10, 120, CENTRE, "Ψηφιακές δεξιότητες: gov.gr και ηλεκτρονικές αιτήσεις",
     "Digital skills: gov.gr and online applications", "employment", "adults", (18, None), 8, 1, False,
     "Κωδικοί Taxisnet, gov.gr wallet, ραντεβού και αιτήσεις από το κινητό.",
     "Taxisnet passwords, the gov.gr wallet, appointments and applications on a phone.",
     [("Έχετε κωδικούς Taxisnet;", "Do you have Taxisnet passwords?", "yes_no", False)], [], "published"),
    (20, 17, 120, CENTRE, "Χριστουγεννιάτικο εργαστήρι κατασκευών", "Christmas crafts workshop", "children",
     "families", (4, 12), 20, 5, False,
     "Φτιάχνουμε στολίδια από ανακυκλώσιμα υλικά, για όλη την οικογένεια.",
     "Making decorations from recycled materials, for the whole family.", [], [], "published"),
    (11, 13, 90, BRANCH, "Ομάδα υποστήριξης γονέων με την ψυχολόγο", "Parents' support group with the psychologist",
     "awareness", "adults", (18, None), 8, 1, True,
     "Μικρή, εμπιστευτική ομάδα για γονείς. Το προσωπικό επικοινωνεί με κάθε ενδιαφερόμενο πριν την πρώτη συνάντηση.",
     "A small, confidential group for parents. Staff talk to everyone interested before the first meeting.",
     [], [], "published"),
    (25, 9, 360, CENTRE, "Εκδρομή στο Σπήλαιο Αγγίτη", "Trip to the Aggitis cave", "culture", "families",
     (None, None), 40, 5, False,
     "Ημερήσια εκδρομή με λεωφορείο του Δήμου. Το πρόγραμμα οριστικοποιείται.",
     "A day trip by the municipality's bus. The programme is being finalised.", [], [], "draft"),
]

PEOPLE = [
    ("Αϊσέ Μεμέτ", "6971234501", ""), ("Μαρία Παπαδοπούλου", "", "maria.p@example.org"),
    ("Σταύρος Αχμέτ", "6944556602", ""), ("Ελένη Σαλή", "6932233403", "eleni.s@example.org"),
    ("Γιώργος Καραγιάννης", "", "g.karagiannis@example.org"), ("Φατμέ Χασάν", "6987766504", ""),
    ("Δημήτρης Νικολαΐδης", "6955443305", ""), ("Ζωή Αθανασίου", "", "zoi.ath@example.org"),
    ("Ραμαζάν Μουσταφά", "6941122306", ""), ("Κατερίνα Ιωαννίδου", "6978899007", "kat.ioannidou@example.org"),
    ("Σουλτάνα Χουσεΐν", "6933344508", ""), ("Νίκος Παπαδόπουλος", "", "nikos.pap@example.org"),
    ("Ιρίνα Πετρένκο", "6949988709", ""), ("Αλή Ομέρ", "6920011210", ""),
]


def _at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load(ctx):
    # Demo people have made-up addresses: their confirmations go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", SMS_BACKEND="locmem"):
        _load(ctx)


def _load(ctx):
    staff = members("staff").order_by("pk").first()
    sites = {}
    for kind in (CENTRE, BRANCH):
        location = Location.objects.filter(kind=kind).order_by("pk").first()
        if location is not None:
            sites[kind] = location
    if CENTRE not in sites or staff is None:
        ctx.say("events: the centre's site or staff are missing (core demo), no events created.")
        return
    created = []
    # A centre without a branch has no branch's events; a smaller one a few of the others, its own few
    # (drawn by the centre, so that the same ones come again on a second run and another centre's differ).
    here = _centres_own([event for event in EVENTS if event[3] in sites], ctx.size(len(EVENTS), least=2))
    for (days, hour, minutes, site, title_el, title_en, category, audience, ages, capacity, per_registration,
         approval, text_el, text_en, questions, repeats, status) in here:
        if Event.objects.filter(title_el=title_el).exists():
            continue
        start = _at(days, hour)
        event = Event(
            title_el=title_el, title_en=title_en, description_el=text_el, description_en=text_en, category=category,
            audience=audience, min_age=ages[0], max_age=ages[1], location=sites[site], starts_at=start,
            ends_at=start + timedelta(minutes=minutes), capacity=capacity,
            max_places_per_registration=per_registration, requires_approval=approval,
        )
        planning.save_event(event, by=staff, questions=[
            {"label_el": q[0], "label_en": q[1], "kind": q[2], "required": q[3]} for q in questions])
        if status == "published":
            planning.publish_event(event, by=staff)
        if repeats:
            planning.add_sessions(event, [start + timedelta(days=d) for d in repeats], by=staff)
        created.append(event)
    if not created:
        return
    _registrations(ctx, created, staff)
    _past_events(ctx, sites, staff)
    ctx.say(f"events: {Event.objects.count()} events, {Registration.objects.count()} registrations.")


def _centres_own(candidates: list, count: int) -> list:
    """All of them, or (a smaller centre) `count` of them drawn by the centre, in their order."""
    if count >= len(candidates):
        return candidates
    drawn = random.Random(f"events:{current_centre_id()}").sample(candidates, count)  # noqa: S311 - not security
    return sorted(drawn, key=candidates.index)


def _answers(event, rng):
    answers = {}
    for question in event.questions.all():
        if question.kind == Question.Kind.YES_NO:
            answers[str(question.pk)] = rng.choice(["yes", "no"])
        elif "Ηλικίες" in question.label_el:
            answers[str(question.pk)] = ", ".join(str(rng.randint(6, 11)) for _ in range(rng.randint(1, 3)))
        elif question.required:
            answers[str(question.pk)] = rng.choice(["Πωλήτρια", "Οδηγός", "Καθαρισμός", "Αποθήκη"])
    return answers


def _registrations(ctx, events, staff):
    rng = ctx.rng
    for event in events:
        if event.status != Event.Status.PUBLISHED:
            continue
        painting = event.title_el.startswith("Εργαστήρι ζωγραφικής")
        # The first painting workshop fills up and keeps a waiting list with families of different sizes.
        count = len(PEOPLE) if painting else rng.randint(2, 6)
        for index, (name, phone, email) in enumerate(rng.sample(PEOPLE, count)):
            places = min(event.max_places_per_registration, rng.choice([1, 1, 2, 3]) if painting else 1)
            by_staff = index % 4 == 3
            try:
                registrations.register(event, RegistrationRequest(
                    name=name, phone=phone, email=email, places=places, answers=_answers(event, rng),
                    consent=True, source=Registration.Source.STAFF if by_staff else Registration.Source.PUBLIC,
                    household_ref=str(rng.randint(1000, 1400)) if by_staff else ""), by=staff if by_staff else None)
            except EventError as exc:
                ctx.say(f"events demo: {name}: {exc.message}")


# Held events with attendance, so that the attendance page has figures for the last weeks.
PAST = [
    (-20, CENTRE, "Γιορτή του φθινοπώρου για παιδιά", "Autumn party for children", "children", "families", 30, 4),
    (-12, BRANCH, "Ενημέρωση για τους εμβολιασμούς των παιδιών", "Children's vaccinations: an information session",
     "health", "families", 20, 3),
    (-6, CENTRE, "Εργαστήριο αναζήτησης εργασίας στο διαδίκτυο", "Looking for work online", "employment", "adults",
     10, 1),
]


def _past_events(ctx, sites, staff):
    """History is written through the services while the event is still ahead, then moved back in
    time (the only way to have check-ins for past dates in demo data)."""
    rng = ctx.rng
    here = _centres_own([event for event in PAST if event[1] in sites], ctx.size(len(PAST)))
    for days, site, title_el, title_en, category, audience, capacity, per_registration in here:
        if Event.objects.filter(title_el=title_el).exists():
            continue
        start = _at(1, 17)
        event = Event(title_el=title_el, title_en=title_en, description_el=title_el, description_en=title_en,
                      category=category, audience=audience, location=sites[site], starts_at=start,
                      ends_at=start + timedelta(hours=2), capacity=capacity,
                      max_places_per_registration=per_registration)
        planning.save_event(event, by=staff)
        planning.publish_event(event, by=staff)
        people = rng.sample(PEOPLE, rng.randint(6, 10))
        for name, phone, email in people:
            places = rng.randint(1, per_registration)
            try:
                registration = registrations.register(event, RegistrationRequest(
                    name=name, phone=phone, email=email, places=places, consent=True,
                    source=Registration.Source.STAFF, household_ref=str(rng.randint(1000, 1400))), by=staff)
            except EventError:
                continue
            if registration.status == Registration.Status.CONFIRMED and rng.random() < 0.8:
                door.set_checked_in(registration, True, by=staff)
        shift = _at(days, 17) - start
        Event.objects.filter(pk=event.pk).update(
            starts_at=event.starts_at + shift, ends_at=event.ends_at + shift,
            published_at=event.published_at + shift - timedelta(days=14))
        CheckIn.objects.filter(registration__event=event).update(at=event.starts_at + shift + timedelta(minutes=5))
