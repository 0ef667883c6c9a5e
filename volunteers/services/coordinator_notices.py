"""Telling the coordinators what needs them, each as she chose (`User.notify_by`, `User.daily_digest`).

- A volunteer's "no" (a declined or a given-back place) goes at once by e-mail or by SMS to each
  coordinator who asked for that; those who chose "only the board" see it on the board and on their
  home page (selectors.dropouts), as everyone does.
- The morning summary (`send_digests`, run daily: `manage.py send_coordinator_digest`, centre by
  centre) goes to each coordinator of the centre who asked for it: the places given back since her
  last summary of that centre and the shifts of the next 7 days still short of people. At most one a
  day per coordinator and centre, however often it runs; its subject names the centre.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.messaging import fit_sms, notify
from core.roles import COORDINATOR
from core.tenancy import current_centre, current_centre_id

from ..models import Assignment, DigestSent, Shift
from .notices import absolute, describe_shift, greeting

logger = logging.getLogger(__name__)
DIGEST_DAYS = 7


def coordinators():
    """Active users who coordinate the current centre (core.Membership): not those of another centre."""
    return get_user_model().objects.filter(is_active=True, memberships__centre_id=current_centre_id(),
                                           memberships__role=COORDINATOR).distinct()


def _language(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_to_coordinator(user, *, subject: str, text: str, sms: str, key: str | None = None) -> list[str]:
    """By the coordinator's chosen channel; an SMS without a phone number goes by e-mail instead."""
    by = user.notify_by
    fields = {"about": user, "language": _language(user), "kind": "coordinator_notice", "key": key}
    if by == user.NotifyBy.SMS and user.phone:
        return notify(phone=user.phone, subject=subject, text=text, sms=sms, **fields)
    if by in (user.NotifyBy.EMAIL, user.NotifyBy.SMS) and user.email:
        return notify(email=user.email, subject=subject, text=text, **fields)
    return []


def tell_coordinators(assignment: Assignment) -> int:
    """A volunteer gave a place back or declined: each coordinator is told as she chose. Returns how
    many were sent a message."""
    shift = assignment.shift
    link = absolute(reverse("volunteers:shift", args=[shift.pk]))
    told = 0
    for user in coordinators().exclude(notify_by=get_user_model().NotifyBy.BOARD):
        with translation.override(_language(user)):
            subject = _("A volunteer will not come: %(shift)s") % {"shift": describe_shift(shift)}
            text = greeting("\n".join([
                _("A volunteer gave their place back."),
                _("Volunteer: %(name)s") % {"name": assignment.volunteer.full_name},
                _("Shift: %(shift)s") % {"shift": describe_shift(shift)},
                _("Booked now: %(booked)s of at least %(min)s.") % {"booked": shift.booked, "min": shift.min_people},
                _("The shift and the people who could fill it: %(link)s") % {"link": link},
            ]))
            local = timezone.localtime(shift.starts_at)
            sms = fit_sms(_("Declined by the volunteer: %(role)s %(date)s %(start)s, %(place)s. Booked %(booked)s/"
                            "%(min)s. %(link)s"),
                          {"role": shift.get_role_display(), "date": f"{local:%d/%m}", "start": f"{local:%H:%M}",
                           "place": shift.location.name, "booked": shift.booked, "min": shift.min_people,
                           "link": link}, shrink=("place", "role"))
        if send_to_coordinator(user, subject=subject, text=text, sms=sms):
            told += 1
    return told


def tell_coordinators_now(assignment_id: int) -> None:
    """Queue the coordinators' messages in the transaction that recorded the volunteer's answer."""
    tell_coordinators(Assignment.objects.select_related("shift__location", "volunteer").get(pk=assignment_id))


def _local_midnight(now) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))


def digest_for(user, *, since, now) -> str:
    """The text of a coordinator's morning summary; empty when there is nothing to tell."""
    given_back = (Assignment.objects.filter(dropped_out_at__gt=since, dropped_out_at__lte=now,
                                            shift__starts_at__gt=now, shift__cancelled_at__isnull=True)
                  .exclude(status__in=Assignment.ACTIVE).select_related("shift__location", "volunteer")
                  .order_by("shift__starts_at"))
    short = (Shift.objects.filter(cancelled_at__isnull=True, starts_at__gt=now,
                                  starts_at__lt=now + timedelta(days=DIGEST_DAYS), booked__lt=F("min_people"))
             .select_related("location").order_by("starts_at"))
    lines = []
    if given_back:
        lines.append(_("Declined by the volunteer since the last summary:"))
        lines += [f"- {describe_shift(a.shift)} · {_('Volunteer: %(name)s') % {'name': a.volunteer.full_name}}"
                  for a in given_back]
        lines.append("")
    if short:
        lines.append(ngettext("%(n)s shift of the next 7 days is short of people:",
                              "%(n)s shifts of the next 7 days are short of people:", len(short)) % {"n": len(short)})
        lines += [f"- {describe_shift(s)} · {_('Booked now: %(booked)s of at least %(min)s.') % {'booked': s.booked, 'min': s.min_people}}"  # noqa: E501
                  for s in short]
        lines.append("")
    if not lines:
        return ""
    lines.append(_("The board: %(link)s") % {"link": absolute(reverse("volunteers:board"))})
    return greeting("\n".join(lines))


def send_digests(*, now=None) -> int:
    """Send each coordinator of the current centre who asked for it her morning summary of this
    centre; returns how many went out.

    Claimed by inserting DigestSent(centre, coordinator, local day) (unique), so two runs at once, or a
    run repeated in the same day, send it once.
    """
    now = now or timezone.now()
    midnight = _local_midnight(now)
    centre = current_centre()
    sent = 0
    for user in coordinators().filter(daily_digest=True).exclude(email=""):
        previous = DigestSent.objects.filter(user=user).order_by("-sent_at").values_list("sent_at", flat=True).first()
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=midnight.date(), sent_at=now)
        except IntegrityError:
            continue  # sent today already
        get_user_model().objects.filter(pk=user.pk).update(digest_sent_at=now)
        since = previous or now - timedelta(days=1)
        with translation.override(_language(user)):
            text = digest_for(user, since=since, now=now)
            subject = _("The volunteers' rota: today's summary (%(centre)s)") % {"centre": centre.name}
        if not text:
            continue
        notify(email=user.email, subject=subject, text=text, about=user, language=_language(user),
               kind="coordinator_digest", key=f"digest:{centre.pk}:{user.pk}:{midnight:%Y-%m-%d}")
        sent += 1
    return sent
