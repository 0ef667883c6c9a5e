"""Clean the audit entries written before the log stopped keeping personal data (core.audit):
query strings and private-link tokens out of the page, names out of the labels of records that
hold people, values of personal fields and search texts out of `changes`, and the old user name
and address out of the entries of accounts that were anonymised since.

The rules are copied here as they stood when the migration was written (a migration must not
change meaning when the code moves on)."""

import re

from django.db import migrations

PERSONAL_FIELDS = frozenset({
    "name", "first_name", "last_name", "father_name", "mother_name", "full_name", "email", "phone",
    "mobile", "address", "area", "notes", "note", "staff_note", "amka", "other_id", "birth_date",
    "birth_year", "emergency_name", "emergency_phone", "motivation", "availability_notes", "answers",
    "consent_text", "username", "tax_number", "contact_name", "contact_phone", "contact_email",
    "message_sent", "subject", "text", "comment",
    # keys written by earlier code with a person's data as their value
    "user", "reason",
})
SEARCH_KEYS = frozenset({"q", "query", "search", "station_search", "searched"})
# Records that hold no personal data (their label and values stay as written). Households, people
# and collectors already had labels without names and recorded only which fields changed.
NAMELESS = {
    ("core", "centre"), ("core", "location"), ("core", "apitoken"),
    ("inventory", "item"), ("inventory", "barcode"), ("inventory", "lowstockthreshold"),
    ("inventory", "donationline"), ("inventory", "stocklevel"), ("inventory", "stockmovement"),
    ("inventory", "transfer"), ("inventory", "stocktake"), ("inventory", "stocktakecount"),
    ("distribution", "card"), ("distribution", "distributionday"), ("distribution", "basketrule"),
    ("distribution", "timeslot"), ("distribution", "slotassignment"), ("distribution", "collection"),
    ("distribution", "scan"), ("distribution", "programme"), ("distribution", "enrolment"),
    ("distribution", "household"), ("distribution", "person"), ("distribution", "authorisedcollector"),
    ("events", "event"), ("events", "question"),
    ("volunteers", "skill"), ("volunteers", "availability"), ("volunteers", "shiftseries"),
    ("volunteers", "shift"), ("volunteers", "shifttemplate"),
}
SECRET = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-:.]{20,}$|^[^/]*:[^/]*:[^/]*$")


def clean_changes(changes, names_nobody):
    if not isinstance(changes, dict) or not changes:
        return changes
    kept, hidden = {}, []
    for key, value in changes.items():
        key = str(key)
        if key in SEARCH_KEYS:
            continue
        if names_nobody:
            kept[key] = value
        elif key == "fields":
            hidden.extend(str(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
        elif key in PERSONAL_FIELDS:
            hidden.append(key)
        else:
            kept[key] = value
    if hidden:
        kept["fields"] = sorted(set(hidden) - SEARCH_KEYS)
    return kept


def clean_path(path):
    path = (path or "").split("?", 1)[0]
    return "/".join("…" if SECRET.match(part) else part for part in path.split("/"))[:300]


def forward(apps, schema_editor):
    AuditLog = apps.get_model("core", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model("core", "User")
    types, nameless = {}, set()
    for ct in ContentType.objects.all():
        if (ct.app_label, ct.model) in NAMELESS:
            nameless.add(ct.pk)
            continue
        try:
            name = str(apps.get_model(ct.app_label, ct.model)._meta.verbose_name)
        except LookupError:
            name = ct.model
        types[ct.pk] = name
    anonymised = dict(User.objects.filter(username__startswith="anonymised-").values_list("pk", "username"))
    batch = []
    for entry in AuditLog.objects.order_by("pk").iterator(chunk_size=2000):
        before = (entry.path, entry.object_repr, entry.changes, entry.username, entry.ip_address)
        entry.path = clean_path(entry.path)
        entry.changes = clean_changes(entry.changes, entry.content_type_id in nameless)
        if entry.content_type_id in types and entry.object_id:
            entry.object_repr = f"{types[entry.content_type_id]} {entry.object_id}"[:200]
        if entry.user_id in anonymised:
            entry.username, entry.ip_address = anonymised[entry.user_id], None
        if (entry.path, entry.object_repr, entry.changes, entry.username, entry.ip_address) != before:
            batch.append(entry)
        if len(batch) >= 1000:
            AuditLog.objects.bulk_update(batch, ["path", "object_repr", "changes", "username", "ip_address"])
            batch = []
    if batch:
        AuditLog.objects.bulk_update(batch, ["path", "object_repr", "changes", "username", "ip_address"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_form_submissions"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
