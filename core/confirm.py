"""One way to ask before an action that cannot be undone (revoking a card, posting a stock-take, …).

The page that offers the action posts to the action's address as before; the view then asks first.
A GET, or a POST without ``confirmed=yes``, renders ``core/confirm.html``: the title, what will
happen in words and figures ("129 households are still expected"), the fields still to fill (a
reason, bound to what was already sent), the values sent from the page before (kept as hidden
fields), a red button that sends ``confirmed=yes`` to the same address and a way back. Only that
second POST acts. Plain HTML forms: it works without JavaScript and with the keyboard alone.

In a view::

    form = step_form(RevokeForm, request)
    if not is_confirmed(request) or not form.is_valid():
        return ask(request, title=…, consequences=[…], action=_("Revoke the card"), back=url, form=form)
    services.revoke_card(…)
"""

from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"


def is_confirmed(request) -> bool:
    """True only for the second step: a POST that carries the confirmation field."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def step_form(form_class, request, **kwargs):
    """The form of the confirmation step: bound (and validated) when the person confirms; before
    that unbound, filled in with what the page before sent, so that no error shows on arrival."""
    if is_confirmed(request):
        return form_class(request.POST, **kwargs)
    sent = request.POST if request.method == "POST" else request.GET
    return form_class(initial={name: sent.get(name) for name in form_class.base_fields if name in sent}, **kwargs)


@dataclass
class Confirmation:
    title: str
    consequences: list
    action: str
    back: str
    warning: str = ""
    form: object = None
    carry: dict = field(default_factory=dict)
    danger: bool = True


def ask(request, *, title, consequences, action, back, warning="", form=None, carry=None, danger=True,
        status=200):
    """Render the confirmation step. `consequences`: sentences saying what will happen; `warning`: the
    one figure or fact to read first; `form`: fields still to fill (see step_form);
    `carry`: name → value pairs from the page before, sent again."""
    confirmation = Confirmation(title=str(title), consequences=[str(c) for c in consequences if c],
                                action=str(action), back=back, warning=str(warning or ""), form=form,
                                carry={k: v for k, v in (carry or {}).items() if v not in (None, "")},
                                danger=danger)
    return render(request, "core/confirm.html", {"title": confirmation.title, "confirmation": confirmation,
                                                 "confirm_field": CONFIRM_FIELD, "confirm_value": CONFIRM_VALUE},
                  status=status)
