"""The outbox for staff: each message's status (per household, volunteer, registration or batch),
resending a failed one, a batch's progress; and the SMS gateway's delivery reports."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .message_models import OutboundMessage
from .messaging.services import MessageError, apply_delivery_report, batch_progress, resend
from .roles import public, role_required

RULE = "core.see_messages"


def _about_filter(value: str):
    """"app_label.model:id" → (content type, id), or None."""
    label, _sep, pk = (value or "").partition(":")
    app_label, _dot, model = label.partition(".")
    if not (app_label and model and pk.isdigit()):
        return None
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    return (content_type, pk) if content_type else None


def about_key(obj) -> str:
    """The `about` parameter of the messages page for a record: `{% url 'core:messages' %}?about=…`."""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}:{obj.pk}"


def _outbox(request):
    """The current centre's messages; a superuser's also the installation's own (no centre)."""
    if request.user.is_superuser:
        from .tenancy import current_centre_id

        return OutboundMessage.every_centre.filter(Q(centre_id=current_centre_id()) | Q(centre__isnull=True))
    return OutboundMessage.objects.all()


@role_required(RULE)
def message_list(request):
    rows = _outbox(request).select_related("about_type").order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status == "attention":
        rows = rows.filter(status__in=OutboundMessage.NEEDS_ATTENTION, resent_from__isnull=True).exclude(
            pk__in=OutboundMessage.every_centre.filter(resent_from__isnull=False).values("resent_from"))
    elif status in OutboundMessage.Status.values:
        rows = rows.filter(status=status)
    about = _about_filter(request.GET.get("about", ""))
    if about:
        rows = rows.filter(about_type=about[0], about_id=about[1])
    batch = request.GET.get("batch", "")[:80]
    if batch:
        rows = rows.filter(batch__startswith=batch)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    resent = set(OutboundMessage.every_centre.filter(resent_from__in=[m.pk for m in page])
                 .values_list("resent_from", flat=True))
    return render(request, "core/messages.html", {
        "title": _("Messages"), "page": page, "status": status, "statuses": OutboundMessage.Status.choices,
        "about": request.GET.get("about", "")[:80] if about else "", "batch": batch,
        "progress": batch_progress(batch) if batch else None, "resent": resent,
        "attention": OutboundMessage.NEEDS_ATTENTION,
    })


@role_required(RULE)
@require_POST
def message_resend(request, pk):
    message = get_object_or_404(_outbox(request), pk=pk)
    try:
        resend(message, by=request.user)
    except MessageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The message is queued again."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or "core:messages")


@role_required(RULE)
def message_progress(request):
    """The progress of a batch (htmx polls it while messages are waiting)."""
    batch = request.GET.get("batch", "")[:80]
    return render(request, "core/_message_progress.html", {"batch": batch, "progress": batch_progress(batch)})


@public  # no session: the gateway proves itself with the shared secret
@csrf_exempt
@require_POST
def delivery_report(request):
    """POST from the SMS gateway: JSON {"id": provider's id, or "reference": our idempotency key,
    "status": "delivered" | "failed" | …, "error": …}, with `Authorization: Bearer <SMS_DELIVERY_REPORT_SECRET>`
    (compared in constant time). 204 when applied, 404 for an unknown message, 401 without the secret."""
    secret = settings.SMS_DELIVERY_REPORT_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "unauthorised"}, status=401)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "the body must be JSON"}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("status", ""), str):
        return JsonResponse({"detail": "expected an object with a status"}, status=400)
    found = apply_delivery_report(provider_id=str(data.get("id") or "")[:120],
                                  reference=str(data.get("reference") or "")[:120],
                                  status=data.get("status", ""), error=str(data.get("error") or "")[:300])
    return HttpResponse(status=204) if found else JsonResponse({"detail": "unknown message"}, status=404)
