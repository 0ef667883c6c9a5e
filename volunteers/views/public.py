"""Public pages: the volunteer application form and the personal sign-in links."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.once import AlreadySubmitted, submit_once
from core.roles import private_link, public
from core.throttle import public_form_allowed

from ..forms import ApplicationForm, SignInLinkRequestForm
from ..services import roster, signin


@public
def apply(request):
    form = ApplicationForm(request.POST or None)
    consent = roster.consent_text()
    if request.method == "POST" and form.is_spam():
        # A bot filled the hidden field: nothing is saved, and the answer looks like any other.
        return render(request, "volunteers/apply_done.html", {"title": _("Thank you")})
    if request.method == "POST" and form.is_valid():
        if not public_form_allowed(request, "volunteer-application"):
            form.add_error(None, _("Too many applications were sent from this connection. Please try again in "
                                   "an hour, or call us."))
            return render(request, "volunteers/apply.html", {"form": form, "consent": consent,
                                                             "title": _("Become a volunteer")}, status=429)
        try:
            with submit_once(form, purpose="volunteers.application"):
                roster.submit_application(form.save(commit=False), consent=consent,
                                          languages=[(code, "good") for code in form.cleaned_data["languages"]])
        except AlreadySubmitted:
            pass  # the same application sent twice: it was registered once, and the answer is the same
        # An address already on the list gets the same answer (its owner is told by e-mail instead).
        return render(request, "volunteers/apply_done.html", {"title": _("Thank you")})
    return render(request, "volunteers/apply.html", {"form": form, "consent": consent,
                                                     "title": _("Become a volunteer")})


@public
def signin_request(request):
    """Ask for a sign-in link. The answer is the same whether or not the address is known."""
    form = SignInLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Over the address's allowance nothing is sent, and the answer is the same. The address may be
        # a volunteer's at any centre (the page does not know the centre yet): each account gets a link.
        if public_form_allowed(request, "sign-in-link"):
            signin.send_links_for_address(form.cleaned_data["email"])
        messages.success(request, _("If this address belongs to an active volunteer, a sign-in link is on its way. "
                                    "It works once, within 24 hours."))
        return redirect(request.get_full_path())
    return render(request, "volunteers/signin_request.html", {"form": form, "title": _("Sign in by e-mail link")})


@private_link
def signin_link(request, token):
    """GET shows a button; only the POST uses the link (mail scanners that open links do not spend it)."""
    if request.method == "POST":
        try:
            user = signin.use_signin_link(token)
        except ValidationError as error:
            return render(request, "volunteers/signin_link.html", {"title": _("Sign in"), "error": error.messages[0]},
                          status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("volunteers:me")
    return render(request, "volunteers/signin_link.html", {"title": _("Sign in")})
