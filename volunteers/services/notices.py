"""Messages to volunteers (e-mail and SMS through core.messaging), each in the volunteer's language."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.links import absolute_url
from core.messaging import first_phone, fit_sms, notify
from core.models import AuditLog, Centre

from ..models import Assignment, ReminderSent, Shift, Volunteer

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return absolute_url(path)


def describe_shift(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return f"{shift.get_role_display()}, {shift.location.name}, {start:%d/%m/%Y %H:%M}–{end:%H:%M}"


def send_to_volunteer(volunteer: Volunteer, subject: str, text: str, sms: str = "", *, kind: str = "",
                      batch: str = "", by=None, key: str | None = None) -> list[str]:
    """Queue in the outbox, in the caller's transaction (core.messaging): the worker sends it, retrying
    a failing gateway, and the booking never waits for it. `sms` is the short form for the phone (two
    parts at most, core.messaging.fit_sms). Returns the channels queued."""
    if volunteer.anonymised_at is not None:
        return []
    return notify(email=volunteer.email, phone=volunteer.phone, subject=subject, text=text, sms=sms,
                  about=volunteer, language=volunteer.language, kind=kind, batch=batch, by=by, key=key)


def greeting(text: str) -> str:
    """An e-mail opens with "Γεια σας," and no name: a name in a Greek sentence needs its vocative."""
    return _("Hello,") + "\n\n" + text


def _short_shift(shift: Shift) -> dict:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return {"role": shift.get_role_display(), "place": shift.location.name,
            "date": formats.date_format(start.date(), "D d/m"), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}


# The texts of the automatic messages, built in the volunteer's own language: (subject, e-mail, SMS).
# Every SMS says what (the role), date, time and place, and a link or the centre's phone.
def _compose(kind: str, assignment: Assignment) -> tuple[str, str, str]:
    shift = assignment.shift
    what = describe_shift(shift)
    my_page = absolute(reverse("volunteers:me"))
    short = {**_short_shift(shift), "link": my_page, "phone": first_phone(Centre.current().phones)}
    shrink = ("role", "place")
    if kind == "assigned":
        return (_("New shift for you"),
                greeting(_("The coordinator put you on a shift: %(shift)s. Please confirm or decline: %(link)s")
                         % {"shift": what, "link": my_page}),
                fit_sms(_("New shift: %(role)s, %(date)s %(start)s-%(end)s, %(place)s. Confirm or decline: %(link)s"),
                        short, shrink=shrink))
    if kind == "confirmed":
        return (_("Your shift is confirmed"),
                greeting(_("Your shift is confirmed: %(shift)s. Thank you! %(link)s")
                         % {"shift": what, "link": my_page}),
                fit_sms(_("Shift confirmed: %(role)s, %(date)s %(start)s-%(end)s, %(place)s. Thank you! %(link)s"),
                        short, shrink=shrink))
    if kind == "request_declined":
        return (_("Shift request"),
                greeting(_("This time we do not need you on %(shift)s. Thank you for offering. %(link)s")
                         % {"shift": what, "link": my_page}),
                fit_sms(_("This time we do not need you on %(role)s, %(date)s %(start)s, %(place)s. Thank you! "
                          "Tel. %(phone)s"), short, shrink=shrink))
    if kind == "changed":
        return (_("Your shift has changed"),
                greeting(_("Your shift has changed. Now: %(shift)s. %(link)s") % {"shift": what, "link": my_page}),
                fit_sms(_("Your shift changed. Now: %(role)s, %(date)s %(start)s-%(end)s, %(place)s. %(link)s"),
                        short, shrink=shrink))
    if kind == "cancelled":
        return (_("Shift cancelled"),
                greeting(_("The shift %(shift)s is cancelled. You do not need to come.") % {"shift": what}),
                fit_sms(_("Shift cancelled: %(role)s, %(date)s %(start)s, %(place)s. You do not need to come. "
                          "Tel. %(phone)s"), short, shrink=shrink))
    if kind == "removed":
        return (_("You are no longer on a shift"),
                greeting(_("The coordinator took you off the shift %(shift)s. You do not need to come.")
                         % {"shift": what}),
                fit_sms(_("You are no longer on the shift %(role)s, %(date)s %(start)s, %(place)s. You do not need "
                          "to come. Tel. %(phone)s"), short, shrink=shrink))
    if kind == "reminder":
        address = ", ".join(p for p in (shift.location.name, shift.location.address) if p)
        return (_("Reminder: your shift"),
                greeting(_("A reminder of your shift: %(shift)s. Address: %(address)s. "
                           "Cannot come? Tell us here: %(link)s")
                         % {"shift": what, "address": address, "link": my_page}),
                fit_sms(_("Reminder: %(role)s, %(date)s %(start)s-%(end)s, %(place)s. Cannot come? %(link)s"),
                        {**short, "place": address}, shrink=shrink))
    raise ValueError(kind)


def message_assignment(kind: str, assignment: Assignment) -> list[str]:
    with translation.override(assignment.volunteer.language):
        subject, text, sms = _compose(kind, assignment)
    return send_to_volunteer(assignment.volunteer, subject, text, sms, kind=f"shift_{kind}")


def queue_for(kind: str, assignment_ids) -> None:
    """Queue `kind` to these assignments' volunteers in the transaction that changed them (rolled back
    with it; sent by the worker once it commits)."""
    ids = list(assignment_ids)
    for assignment in Assignment.objects.select_related("shift__location", "volunteer").filter(pk__in=ids):
        message_assignment(kind, assignment)


def reminder_lead_time() -> timedelta:
    return timedelta(hours=float(getattr(settings, "VOLUNTEER_REMINDER_HOURS", 24)))


def send_reminders(*, now=None, lead: timedelta | None = None) -> int:
    """Remind each volunteer on a shift that starts within `lead`; returns how many were sent.

    Safe to run every few minutes and from several servers: the ReminderSent row is inserted
    (unique per assignment and shift start) before the message goes out, so a reminder is sent at
    most once even when two runs overlap. A shift moved to a new time gets a new reminder.
    """
    now = now or timezone.now()
    lead = lead if lead is not None else reminder_lead_time()
    due = (
        Assignment.objects.select_related("shift__location", "volunteer")
        .filter(status__in=Assignment.ACTIVE, shift__cancelled_at__isnull=True,
                shift__starts_at__gt=now, shift__starts_at__lte=now + lead)
        .exclude(reminders__shift_starts_at=F("shift__starts_at"))
    )
    sent = 0
    for assignment in due:
        try:
            with transaction.atomic():  # the record and the queued message together, or neither
                record = ReminderSent.objects.create(assignment=assignment,
                                                     shift_starts_at=assignment.shift.starts_at)
                channels = message_assignment("reminder", assignment)
                ReminderSent.objects.filter(pk=record.pk).update(channels=",".join(channels))
        except IntegrityError:
            continue  # another run got there first
        sent += 1
    return sent


@transaction.atomic
def message_people(shift: Shift, volunteers, text: str, *, by, audience: str) -> int:
    """The coordinator's free message to a list of volunteers about a shift: queued at once (the worker
    sends them; the shift's page shows their progress, batch "shift:<pk>:…"); returns how many were queued."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the message first."))
    count = 0
    batch = f"shift:{shift.pk}:{uuid.uuid4().hex[:8]}"
    take = absolute(reverse("volunteers:my_shift_action", args=[shift.pk, "take"]))
    for volunteer in volunteers:
        with translation.override(volunteer.language):
            subject = _("About the shift %(shift)s") % {"shift": describe_shift(shift)}
            if audience == "candidates":  # those who could fill it: the shift and a one-tap "I'll take it"
                link_line = _("I'll take it: %(link)s") % {"link": take}
            else:
                link_line = _("The shift: %(link)s") % {"link": absolute(reverse("volunteers:me"))}
            body = f"{describe_shift(shift)}\n\n{text}\n\n{link_line}"
            sms = fit_sms("%(what)s: %(text)s %(link)s", {
                "what": describe_shift(shift), "text": text, "link": link_line}, shrink=("text", "what"))
        if send_to_volunteer(volunteer, subject, body, sms, kind="shift_message", batch=batch, by=by):
            count += 1
    audit(AuditLog.Action.CREATE, shift, user=by,
          changes={"message": [audience, text[:200]], "recipients": ["", str(count)], "batch": batch})
    return count
