"""The coordinator's planner pages: propose a plan for the next weeks (or fill one shift), read why,
accept all, some or none and publish; the fairness report."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.refusals import show_refusal
from core.roles import role_required

from .. import fairness
from ..forms import DATE
from ..models import PlanLine, PlanProposal, Shift
from ..planning_texts import level_name, reason_text, rule_name, shortfall_text
from ..services import needs, planning


class PlanForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("from"), widget=DATE)
    weeks = forms.IntegerField(label=gettext_lazy("weeks"), min_value=1, max_value=planning.MAX_WEEKS, initial=2)
    from_needs = forms.BooleanField(
        label=gettext_lazy("First make or update the shifts from the needs of distribution days and events"),
        required=False, initial=True,
        help_text=gettext_lazy("Households expected per hour give the tables and volunteers; registrations give "
                               "the event helpers. A shift you corrected by hand is left as you set it."))


def _next_monday():
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


@role_required("volunteers.manage")
def plan_new(request):
    form = PlanForm(request.POST or None, initial={"starts_on": _next_monday(), "weeks": 2})
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["starts_on"]
        try:
            until = start + timedelta(days=7 * form.cleaned_data["weeks"] - 1)
            if form.cleaned_data["from_needs"]:
                zone = timezone.get_current_timezone()
                done = needs.sync_needs(datetime.combine(start, time(0), tzinfo=zone),
                                        datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone),
                                        by=request.user)
                messages.info(request, _("From the needs of the work: %(created)s shifts created, %(updated)s "
                                         "updated, %(kept)s corrected by hand left as they are.") % {
                    "created": len(done.created), "updated": len(done.updated), "kept": len(done.kept_by_hand)})
            proposal = planning.propose(starts_on=start, ends_on=until, by=request.user)
            return redirect("volunteers:plan", proposal.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "volunteers/plan_new.html", {
        "title": _("Propose a plan"), "form": form,
        "recent": PlanProposal.objects.select_related("shift__location")[:10]})


@require_POST
@role_required("volunteers.manage")
def plan_fill(request, pk):
    shift = get_object_or_404(Shift, pk=pk)
    try:
        proposal = planning.propose(starts_on=timezone.localtime(shift.starts_at).date(), shift=shift, by=request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("volunteers:shift_assign", pk)
    return redirect("volunteers:plan", proposal.pk)


@role_required("volunteers.manage")
def plan_detail(request, pk):
    proposal = get_object_or_404(PlanProposal, pk=pk)
    lines = list(proposal.lines.select_related("shift__location", "volunteer"))
    shift_ids = {line.shift_id for line in lines} | {g["shift"] for g in proposal.shortfalls}
    shifts = {s.pk: s for s in Shift.objects.filter(pk__in=shift_ids).select_related("location")}
    by_shift = defaultdict(lambda: {"lines": [], "gaps": []})
    for line in lines:
        line.texts = [reason_text(r["code"], r.get("params")) for r in line.reasons]
        by_shift[line.shift_id]["lines"].append(line)
    for gap in proposal.shortfalls:
        by_shift[gap["shift"]]["gaps"].append({
            "text": shortfall_text(gap), "binding": rule_name(gap["binding"]),
            "blocked": [(rule_name(rule), n) for rule, n in gap["blocked"].items()],
            "fixes": [reason_text(f["code"], f.get("params")) for f in gap["fixes"]]})
    present = [sid for sid in by_shift if sid in shifts]  # a shift deleted since is left out
    rows = [{"shift": shifts[sid], **by_shift[sid]} for sid in sorted(present, key=lambda s: (shifts[s].starts_at, s))]
    levels = [{**lv, "label": level_name(lv["name"])} for lv in proposal.levels]
    return render(request, "volunteers/plan.html", {
        "title": _("Proposed plan"), "proposal": proposal, "rows": rows, "levels": levels,
        "changes": sum(1 for line in lines if line.action != PlanLine.Action.KEEP),
        "gaps": len(proposal.shortfalls), "gap_percent": round(proposal.gap * 100, 2),
        "draft": proposal.status == PlanProposal.Status.DRAFT})


@require_POST
@role_required("volunteers.manage")
def plan_publish(request, pk):
    proposal = get_object_or_404(PlanProposal, pk=pk)
    try:
        if request.POST.get("choice") == "none":
            planning.discard(proposal, by=request.user)
            messages.success(request, _("The proposal was discarded; nothing changed."))
            return redirect("volunteers:plan_new")
        if request.POST.get("choice") == "all":
            accepted = set(proposal.lines.values_list("pk", flat=True))
        else:
            accepted = {int(v) for v in request.POST.getlist("line") if v.isdigit()}
        done = planning.publish(proposal, accepted=accepted, by=request.user)
        messages.success(request, _("Published: %(added)s added (asked to confirm), %(removed)s taken off, "
                                    "%(skipped)s could not be applied.") % done)
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:plan", pk)


@role_required("volunteers.manage")
def fairness_report(request):
    form = fairness.PeriodForm(request.GET or None)
    since, until = fairness.period(form)
    rows = fairness.rows(since, until)
    return render(request, "volunteers/fairness.html", {
        "title": _("Fairness"), "form": form, "since": since, "until": until, "rows": rows,
        "chart": fairness.chart(rows)})
