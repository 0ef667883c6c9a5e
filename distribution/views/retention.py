"""What the nightly retention job will anonymise, ahead of time, and the coordinator's confirmation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import show_refusal
from core.roles import COORDINATOR, STAFF, has_role, role_required

from ..models import Household
from ..selectors import retention_preview
from ..selectors.households import RETENTION_HOLD_DAYS, RETENTION_NOTICE_DAYS
from ..services import DistributionError
from ..services import retention as retention_services


@role_required(STAFF)
def retention(request):
    return render(request, "distribution/retention.html", {
        "title": _("Data to be anonymised"), "households": retention_preview(),
        "notice_days": RETENTION_NOTICE_DAYS, "hold_days": RETENTION_HOLD_DAYS,
        "may_confirm": has_role(request.user, COORDINATOR),
    })


@require_POST
@role_required(COORDINATOR)
def retention_confirm(request, pk):
    household = get_object_or_404(Household, pk=pk)
    try:
        retention_services.confirm_retention(household, by=request.user)
    except DistributionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Confirmed: household %(id)s will be anonymised on its retention date.")
                         % {"id": household.pk})
    return redirect("distribution:retention")
