"""The messages of a swap, queued in the transaction of each step (core.messaging), each in its reader's
language and with an idempotency key (a step repeated by the periodic job sends nothing twice):
the candidate asked, the volunteer who offered the shift, the coordinators."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.messaging import first_phone, fit_sms
from core.models import Centre

from ..models import SwapAsk, SwapOffer
from .coordinator_notices import coordinators, send_to_coordinator
from .notices import _short_shift, absolute, describe_shift, greeting, send_to_volunteer


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m %H:%M}"


def ask_candidate(ask: SwapAsk, link: str) -> list[str]:
    """Ask a candidate whether they can take the shift, with the signed link to answer."""
    shift, volunteer = ask.offer.shift, ask.volunteer
    with translation.override(volunteer.language):
        short = {**_short_shift(shift), "link": link, "by": _when(ask.answer_by)}
        subject = _("Could you take a shift?")
        text = greeting("\n\n".join([
            _("A volunteer cannot come to this shift: %(shift)s.") % {"shift": describe_shift(shift)},
            _("Could you take their place? Please answer by %(by)s. Yes or no, here: %(link)s") % short,
            _("Signed in, you can also answer on your page \"My shifts\".")]))
        sms = fit_sms(_("Can you take a shift? %(role)s, %(date)s %(start)s-%(end)s, %(place)s. Answer by %(by)s: "
                        "%(link)s"), short, shrink=("role", "place"))
    return send_to_volunteer(volunteer, subject, text, sms, kind="swap_ask", key=f"swap-ask:{ask.pk}")


def tell_offerer(offer: SwapOffer, event: str) -> list[str]:
    """The volunteer who offered the shift: it was taken ("taken"), nobody could ("nobody"), or the
    coordinator stopped looking ("stopped")."""
    shift, volunteer = offer.shift, offer.volunteer
    with translation.override(volunteer.language):
        short = {**_short_shift(shift), "phone": first_phone(Centre.current().phones),
                 "link": absolute(reverse("volunteers:me"))}
        what = describe_shift(shift)
        if event == "taken":
            subject = _("Your shift was taken")
            text = _("Another volunteer took your shift %(shift)s. You do not need to come. Thank you for telling "
                     "us in time.") % {"shift": what}
            sms = _("Another volunteer took your shift %(role)s, %(date)s %(start)s, %(place)s. You do not need to "
                    "come. Thank you!")
        elif event == "nobody":
            subject = _("Nobody could take your shift")
            text = _("We could not find anyone to take your shift %(shift)s. You are still expected; if you really "
                     "cannot come, please call the coordinator.") % {"shift": what}
            sms = _("Nobody could take your shift %(role)s, %(date)s %(start)s, %(place)s: you are still expected. "
                    "Cannot come? Tel. %(phone)s")
        else:
            subject = _("You are still expected")
            text = _("The coordinator stopped looking for someone to take your shift %(shift)s. You are still "
                     "expected; if you really cannot come, please call the coordinator.") % {"shift": what}
            sms = _("The coordinator stopped the search for %(role)s, %(date)s %(start)s, %(place)s: you are still "
                    "expected. Tel. %(phone)s")
        text = greeting(text + "\n\n" + short["link"])
        sms = fit_sms(sms, short, shrink=("role", "place"))
    return send_to_volunteer(volunteer, subject, text, sms, kind=f"swap_{event}", key=f"swap:{offer.pk}:{event}")


def tell_coordinators(offer: SwapOffer, event: str, *, asking: SwapAsk | None = None) -> int:
    """Each coordinator who asked to be told (not "only the board"): a shift offered close to its start
    ("offered"), taken ("taken"), or nobody could take it ("nobody"). Returns how many were sent one."""
    shift = offer.shift
    link = absolute(reverse("volunteers:shift", args=[shift.pk]))
    told = 0
    for user in coordinators().exclude(notify_by=get_user_model().NotifyBy.BOARD):
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            what = describe_shift(shift)
            local = timezone.localtime(shift.starts_at)
            short = {"role": shift.get_role_display(), "date": f"{local:%d/%m}", "start": f"{local:%H:%M}",
                     "place": shift.location.name, "link": link, "name": offer.volunteer.full_name,
                     "other": offer.taken_by.full_name if offer.taken_by else ""}
            if event == "taken":
                subject = _("A shift changed hands: %(shift)s") % {"shift": what}
                lines = [_("%(other)s took the shift of %(name)s.") % short]
                sms = _("Swap: %(other)s took the shift of %(name)s, %(role)s %(date)s %(start)s. %(link)s")
            elif event == "nobody":
                subject = _("Nobody could take an offered shift: %(shift)s") % {"shift": what}
                lines = [_("%(name)s cannot come and nobody could take the shift; they were told they are still "
                           "expected.") % short]
                sms = _("Nobody can take the shift of %(name)s, %(role)s %(date)s %(start)s: call them? %(link)s")
            else:
                subject = _("A shift close to its start is offered: %(shift)s") % {"shift": what}
                lines = [_("%(name)s cannot come and offered the shift; replacements are being asked.") % short]
                if asking is not None:
                    lines.append(_("Asking now: %(who)s, answer by %(by)s.") % {
                        "who": asking.volunteer.full_name, "by": _when(asking.answer_by)})
                sms = _("Offered close to the start: %(role)s %(date)s %(start)s by %(name)s; asking others. %(link)s")
            if offer.reason:
                lines.append(_("Reason: %(reason)s") % {"reason": offer.reason})
            lines.append(_("The shift: %(link)s") % {"link": link})
            text = greeting("\n".join([*lines[:1], _("Shift: %(shift)s") % {"shift": what}, *lines[1:]]))
            sms = fit_sms(sms, short, shrink=("place", "role", "name", "other"))
        if send_to_coordinator(user, subject=subject, text=text, sms=sms, key=f"swap:{offer.pk}:{event}:{user.pk}"):
            told += 1
    return told
