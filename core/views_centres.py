"""The centre switcher: a person who belongs to several centres chooses the one she works in."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .audit import audit
from .models import AuditLog, Centre
from .roles import signed_in
from .tenancy import SESSION_KEY, current_centre, switchable_centres


@require_POST
@signed_in
def switch_centre(request):
    """Work in another of one's centres (a form in the header, no script needed). A centre she does
    not belong to is not found (404), as every other centre's record. The session, its language and
    anything kept in it stay; only the centre changes, and the home page of the new centre opens
    (a page of the old centre's records would not be found there)."""
    try:
        wanted = int(request.POST.get("centre", ""))
    except ValueError:
        raise Http404 from None
    centre = next((c for c in switchable_centres(request.user) if c.pk == wanted), None)
    if centre is None:
        raise Http404
    before = current_centre(required=False)
    request.session[SESSION_KEY] = centre.pk
    audit(AuditLog.Action.CHANGE, model=Centre, object_id=centre.pk, object_repr=str(centre),
          changes={"switched centre": [str(before) if before else "", str(centre)]}, request=request)
    messages.success(request, _("You are now working at %(centre)s.") % {"centre": centre})
    return redirect("core:home")
