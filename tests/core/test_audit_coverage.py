"""Every model of the project is either written through a service that audits it, or listed as exempt
with the reason. A new model fails here until it is placed in one list or the other.

AUDITED names, per model, the service module that writes it and records the audit entry (with
`core.audit.audit`, `audited_save` or `audited_formset_save`); the test reads that module and checks
it names the model and writes the log."""

import re
from pathlib import Path

from django.apps import apps

PROJECT_APPS = ("core", "inventory", "distribution", "volunteers", "events", "reports")
ROOT = Path(__file__).resolve().parents[2]

AUDITED = {
    "core.User": "core/services.py",
    "core.Location": "core/services.py",
    "core.Centre": "core/services.py",
    # Queued by the audited action that causes it (core.messaging); a resend is audited here.
    "core.OutboundMessage": "core/messaging/services.py",
    "core.ApiToken": "core/services.py",
    "core.SecurityPolicy": "core/signin/services.py",
    "core.RecoveryCodes": "core/signin/services.py",
    "core.RecoveryCode": "core/signin/services.py",
    "inventory.Item": "inventory/services/catalogue.py",
    "inventory.Barcode": "inventory/services/catalogue.py",
    "inventory.Pack": "inventory/services/packs.py",
    "inventory.KitComponent": "inventory/services/kits.py",
    "inventory.LowStockThreshold": "inventory/services/catalogue.py",
    "inventory.Donor": "inventory/services/catalogue.py",
    "inventory.Donation": "inventory/services/donations.py",
    "inventory.DonationLine": "inventory/services/donations.py",
    "inventory.StockMovement": "inventory/services/stock.py",
    "inventory.Transfer": "inventory/services/stock.py",
    "inventory.StockTake": "inventory/services/stocktakes.py",
    "inventory.StockTakeCount": "inventory/services/stocktakes.py",
    "distribution.Household": "distribution/services/households.py",
    "distribution.Person": "distribution/services/households.py",
    "distribution.MembershipHistory": "distribution/services/households.py",
    "distribution.AuthorisedCollector": "distribution/services/households.py",
    "distribution.Card": "distribution/services/cards.py",
    "distribution.Programme": "distribution/services/programmes.py",
    "distribution.Enrolment": "distribution/services/programmes.py",
    "distribution.DistributionDay": "distribution/services/days.py",
    "distribution.BasketRule": "distribution/services/days.py",
    "distribution.TimeSlot": "distribution/services/days.py",
    "distribution.SlotAssignment": "distribution/services/days.py",
    "distribution.Collection": "distribution/services/days.py",
    "distribution.ImportJob": "distribution/services/imports.py",
    "distribution.OfflineHandout": "distribution/services/offline.py",
    "distribution.Handout": "distribution/services/handouts.py",
    "distribution.Need": "distribution/services/needs.py",
    "distribution.HouseholdNeed": "distribution/services/needs.py",
    "distribution.BasketSubstitution": "distribution/services/needs.py",
    "volunteers.Volunteer": "volunteers/services/roster.py",
    "volunteers.VolunteerLanguage": "volunteers/services/roster.py",
    "volunteers.Certificate": "volunteers/services/roster.py",
    "volunteers.Availability": "volunteers/services/roster.py",
    "volunteers.Absence": "volunteers/services/roster.py",
    "volunteers.PlanProposal": "volunteers/services/planning.py",
    "volunteers.PlanLine": "volunteers/services/planning.py",
    "volunteers.SwapOffer": "volunteers/services/swaps.py",
    "volunteers.SwapAsk": "volunteers/services/swaps.py",
    "volunteers.ShiftSeries": "volunteers/services/shifts.py",
    "volunteers.Shift": "volunteers/services/shifts.py",
    "volunteers.ShiftTemplate": "volunteers/services/shifts.py",
    "volunteers.ShiftTemplateLine": "volunteers/services/shifts.py",
    "volunteers.Assignment": "volunteers/services/signups.py",
    "volunteers.SignInLink": "volunteers/services/signin.py",
    "volunteers.ContactChange": "volunteers/services/contacts.py",
    "volunteers.LocationFeed": "volunteers/services/calendars.py",
    "events.Event": "events/services/planning.py",
    "events.Registration": "events/services/registrations.py",
    "events.CheckIn": "events/services/door.py",
    "events.OfflineCheckIn": "events/services/door_offline.py",
    "reports.SubmittedReport": "reports/submissions.py",
    "core.Membership": "core/memberships.py",
}

EXEMPT = {
    "core.AuditLog": "the log itself",
    "core.FormSubmission": "a spent one-time form token: no business data, forgotten after a week",
    "core.ScheduledRun": "the worker's record that a periodic job ran in a time slot: no person, no decision",
    "inventory.StockLevel": "derived: the levels follow the ledger (StockMovement), which is the record",
    "distribution.Scan": "itself the record of each scan at a table (who, where, when, the answer)",
    "events.ScanRequest": "the answer kept for a request id; the admission is the audited CheckIn",
    "inventory.KitRequest": "the answer kept for a request id; assembling or taking kits apart is audited on the kit",
    "inventory.KitHandedOut": "what a kit held when handed out, a copy kept for the figures; the collection or "
                              "hand-out that handed it out is audited",
    "volunteers.ReminderSent": "marks a reminder as sent so it goes out once; no decision of a person",
    "volunteers.DigestSent": "marks a morning summary as sent so it goes out once a day; no decision of a person",
    "events.Question": "written only with its event by planning.save_event, whose entry is the record",
    "volunteers.Skill": "a reference list kept in Django's admin, which keeps its own change history",
    "core.Region": "kept by superusers in Django's admin, which core.middleware.AdminAuditMiddleware audits",
    "core.Municipality": "kept by superusers in Django's admin, which core.middleware.AdminAuditMiddleware audits",
    "core.Oversight": "given by superusers in Django's admin, which core.middleware.AdminAuditMiddleware audits",
}

# How a service module writes the log.
WRITES_LOG = re.compile(r"\b(audit|audited_save|audited_formset_save)\(")
# Which audited models are written through the formset helper (their rows come from a page's formset).
FORMSET_ROWS = {"volunteers.VolunteerLanguage", "volunteers.Certificate", "volunteers.Availability",
                "volunteers.Absence",
                "volunteers.ShiftTemplateLine"}


def _project_models():
    return [model for model in apps.get_models()
            if model._meta.app_label in PROJECT_APPS and not model._meta.proxy and not model._meta.abstract]


def test_every_model_is_audited_or_exempt_with_a_reason():
    labels = {model._meta.label for model in _project_models()}
    neither = sorted(labels - AUDITED.keys() - EXEMPT.keys())
    assert not neither, f"written through which audited service, or exempt why? {neither}"
    both = sorted(AUDITED.keys() & EXEMPT.keys())
    assert not both, f"listed as audited and as exempt: {both}"
    gone = sorted((AUDITED.keys() | EXEMPT.keys()) - labels)
    assert not gone, f"no such model any more: {gone}"
    assert all(reason.strip() for reason in EXEMPT.values())


def test_each_audited_model_is_written_by_a_service_that_writes_the_log():
    for label, path in AUDITED.items():
        source = (ROOT / path).read_text(encoding="utf-8")
        name = label.split(".")[1]
        assert WRITES_LOG.search(source), f"{path} writes no audit entry ({label})"
        if label in FORMSET_ROWS:
            assert "audited_formset_save(" in source, f"{path} saves {label} rows without audited_formset_save"
        else:
            assert re.search(rf"\b{name}\b", source), f"{path} does not name {name}"
