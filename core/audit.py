"""The audit trail: one call per thing worth recording.

    from core.audit import audit
    audit(AuditLog.Action.VIEW, household)            # in a view: user and address come from the request
    audit(AuditLog.Action.CHANGE, card, changes={"status": ["printed", "revoked"]}, user=someone)

The log outlives every retention period, so it keeps ids, actions and which fields changed, and
nothing a person could be recognised by:
- a record's label is "<record type> <id>", and `changes` keeps old and new values only for fields
  that are not personal (below), unless its model holds no personal data at all
  (`audit_names_nobody = True` on the model: items, locations, days, events, shifts…: then its text
  is the label and every value is kept);
- the page is the path without its query string, with secrets in it (private links) masked;
- the fields named in PERSONAL_FIELDS (names, contacts, notes, identifiers, free text) are listed
  under "fields" without values, and search texts (SEARCH_KEYS) are always dropped.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from .middleware import current_request
from .models import AuditLog
from .net import client_ip
from .roles import role_of
from .tenancy import current_centre_id

# Field names whose values never enter the log: that they changed is recorded, not what they held.
PERSONAL_FIELDS = frozenset({
    "name", "first_name", "last_name", "father_name", "mother_name", "full_name", "email", "phone",
    "mobile", "address", "area", "notes", "note", "staff_note", "amka", "other_id", "birth_date",
    "birth_year", "emergency_name", "emergency_phone", "motivation", "availability_notes", "answers",
    "consent_text", "username", "tax_number", "contact_name", "contact_phone", "contact_email",
    "message_sent", "subject", "text", "comment",
})
# What someone searched for: not even the field name is kept.
SEARCH_KEYS = frozenset({"q", "query", "search", "station_search", "searched"})

def clean_changes(changes, *, names_nobody=False) -> dict:
    """`changes` as the log may keep them (see the module's docstring)."""
    if not changes:
        return {}
    kept, hidden = {}, []
    for key, value in dict(changes).items():
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


def clean_path(request) -> str:
    """A page's path for the log: no query string (searches travel there), and the secrets the URL
    carries (a private link's token: any text argument of 12 characters or more) masked."""
    if request is None:
        return ""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for value in (match.kwargs.values() if match is not None else ()):
        if isinstance(value, str) and len(value) >= 12:
            path = path.replace(value, "…")
    return path[:300]


def _names_nobody(obj) -> bool:
    return bool(getattr(obj.__class__, "audit_names_nobody", False))  # __class__: also through lazy objects


def label(obj) -> str:
    """The record's label in the log: its text when its model names nobody, else type and id."""
    if _names_nobody(obj):
        return str(obj)[:200]
    return f"{obj._meta.verbose_name} {obj.pk}"[:200]


# Signing in and out happen before a centre is chosen (and after the last one): no centre's entries.
OUTSIDE_ANY_CENTRE = frozenset({
    AuditLog.Action.LOGIN, AuditLog.Action.LOGIN_FAILED, AuditLog.Action.LOCKED_OUT, AuditLog.Action.LOGOUT,
    AuditLog.Action.FACTOR_VERIFIED, AuditLog.Action.FACTOR_FAILED})


def _centre_id(obj):
    """The entry's centre: the record's own when it carries one (already loaded, never fetched: inside a
    centre's scope it is that centre; a role given at another centre, a job over several centres), else
    the scope's (no query: the scope holds its id)."""
    centre_id = obj.__dict__.get("centre_id") if isinstance(obj, Model) else None
    return centre_id if centre_id is not None else current_centre_id(required=False)


def audit(action, obj=None, *, changes=None, user=None, request=None, object_repr=None, model=None,
          object_id=None, centre_id=None, role=None):
    """Append one entry to the audit log and return it.

    `object_repr`, when given, must name nobody (it replaces the record's label). Without `obj`, a
    `model` (and `object_id`) still say which kind of record (and which one) the entry is about.
    `centre_id` and `role` say whose log and which role when the action is not one centre's (the
    region's reports: an entry in each centre's log, the regional role)."""
    request = request or current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    outside = action in OUTSIDE_ANY_CENTRE  # and so without a role: a role is held at a centre
    entry = AuditLog(
        centre_id=None if outside else (centre_id or _centre_id(obj)),
        user=user,
        username=user.get_username() if user else "",
        role=role if role is not None else (role_of(user) if user and not outside else ""),
        action=action,
        changes=clean_changes(changes, names_nobody=obj is not None and _names_nobody(obj)),
        ip_address=client_ip(request),
        path=clean_path(request),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj.__class__)
        entry.object_id = str(obj.pk)
        entry.object_repr = (object_repr or label(obj))[:200]
    elif model is not None:
        entry.content_type = ContentType.objects.get_for_model(model)
        entry.object_id = str(object_id or "")[:64]
        entry.object_repr = (object_repr or (f"{model._meta.verbose_name} {object_id}" if object_id
                                             else str(model._meta.verbose_name_plural)))[:200]
    elif object_repr:
        entry.object_repr = object_repr[:200]
    entry.save()
    return entry


def forget_person(user, *, new_username: str) -> int:
    """After a person's account is anonymised: the entries of their own actions keep the account's
    id but no longer its old user name or their address; failed sign-ins typed with that name lose
    it too, in every centre's entries. The only change ever made to written entries (hence a queryset
    update)."""
    if user is None or user.pk is None:
        return 0
    old = user.get_username()
    entries = AuditLog.every_centre  # wherever the person worked, and her sign-ins outside any centre
    count = entries.filter(user=user).update(username=new_username, ip_address=None)
    if old:
        count += entries.filter(
            action__in=[AuditLog.Action.LOGIN_FAILED, AuditLog.Action.LOCKED_OUT], object_repr=old).update(
            object_repr=new_username, ip_address=None)
    return count


def model_changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs (values as strings); audit() then keeps
    only the names of personal fields."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in after
        if str(before.get(key, "")) != str(after.get(key, ""))
    }


def snapshot(obj, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def audited_save(obj, fields, *, by, save=None, changes=None) -> dict:
    """Save `obj` (its new values already set) and log CREATE, or CHANGE with the differences in
    `fields` between the stored row and the saved instance, in one call. Call it inside the service's
    transaction.

    `save(before)` replaces `obj.save()` when the write needs more than a save (a nested atomic block
    whose IntegrityError becomes a refusal, an account to follow the record); it gets the stored
    values of `fields` ({} for a new record). `changes` are logged beside the differences. Returns
    what was logged. A record is new when no row has its primary key yet (a pk set in advance, as the
    centre's, still counts as new until it is stored)."""
    stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    before = {} if stored is None else snapshot(stored, fields)
    if save is None:
        obj.save()
    else:
        save(before)
    logged = {**(changes or {}), **model_changes(before, snapshot(obj, fields))}
    audit(AuditLog.Action.CREATE if stored is None else AuditLog.Action.CHANGE, obj, user=by, changes=logged)
    return logged


def audited_formset_save(formset, *, by) -> list:
    """Save a valid model formset row by row, audited: the rows marked for deletion are deleted with a
    DELETE entry each, then every new or changed row goes through `audited_save` (the form's fields).
    An inline formset's rows belong to `formset.instance`: set it to the saved parent first."""
    fields = list(formset.form._meta.fields)
    saved = formset.save(commit=False)
    for obj in formset.deleted_objects:
        audit(AuditLog.Action.DELETE, obj, user=by,
              changes={name: [str(value), ""] for name, value in snapshot(obj, fields).items()})
        obj.delete()
    for obj in saved:
        audited_save(obj, fields, by=by)
    formset.save_m2m()
    return saved
