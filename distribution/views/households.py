import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import role_required
from core.signin.policy import recent_authentication_required
from core.views_base import FilteredTableView

from ..filters import HouseholdFilter
from ..forms import (
    CollectorForm,
    DuplicateConfirmForm,
    EnrolmentForm,
    HandOverForm,
    HouseholdForm,
    MemberLeftForm,
    MergeForm,
    PersonForm,
    RevokeForm,
)
from ..models import AuthorisedCollector, Category, Household, Person
from ..selectors import household_for_page, households_matching
from ..selectors.handouts import goods_received
from ..services import DistributionError
from ..services import households as services
from ..services import retention as retention_services
from ..services.programmes import enrol
from ..tables import HouseholdTable
from .needs import household_needs_context


class HouseholdListView(FilteredTableView):
    model = Household
    table_class = HouseholdTable
    filterset_class = HouseholdFilter
    access = "distribution.manage_households"
    template_name = "distribution/household_list.html"
    export_name = "households"

    def get_queryset(self):
        return households_matching("", status=self.request.GET.get("status") or Household.Status.ACTIVE)

    @property
    def title(self):
        return _("Households")


def _duplicates(duplicates):
    """The warnings for the page: the certain ones (AMKA, name and birth date) apart from the softer ones."""
    return {"duplicates": duplicates, "duplicates_certain": [d for d in duplicates if not d.soft],
            "duplicates_soft": [d for d in duplicates if d.soft]}


@role_required("distribution.manage_households")
def household_new(request):
    household_form = HouseholdForm(request.POST or None, prefix="household")
    person_form = PersonForm(request.POST or None, prefix="person", reference_form=True)
    confirm_form = DuplicateConfirmForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and household_form.is_valid() and person_form.is_valid() and confirm_form.is_valid():
        household = household_form.save(commit=False)
        if household.consent_date:
            household.consent_recorded_by = request.user
        try:
            household = services.register_household(
                household, person_form.save(commit=False), by=request.user,
                allow_duplicates=confirm_form.cleaned_data["allow_duplicates"])
        except services.DuplicatesFound as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            show_refusal(request, exc, form=person_form)
        else:
            messages.success(request, _("The household was registered."))
            return redirect("distribution:household", pk=household.pk)
    return render(request, "distribution/household_form.html", {
        "title": _("New household"), "household_form": household_form, "person_form": person_form,
        "confirm_form": confirm_form, **_duplicates(duplicates),
    })


@role_required("distribution.manage_households")
def household_detail(request, pk):
    return household_page(request, pk)


def household_page(request, pk, **forms):
    """The household page; a form of it that failed is passed in `forms` (bound, with its errors), so
    the page comes back with what was typed instead of a redirect that would drop it."""
    household = get_object_or_404(Household.objects.only("pk"), pk=pk)
    household = household_for_page(household.pk)
    audit(AuditLog.Action.VIEW, household)
    if forms:
        messages.error(request, _("Not saved: see the form below, with what you typed."))
    labels = dict(Category.choices)
    return render(request, "distribution/household_detail.html", {
        "title": _("Household %(id)s") % {"id": household.pk},
        "household": household,
        "household_categories": [(labels[c], a) for c, a in household.categories.items()],
        "members": [(p, [(labels[c], a) for c, a in p.categories.items()]) for p in household.members.all()],
        "former_members": Person.everyone.filter(household=household, left_on__isnull=False).order_by("left_on"),
        "enrolment_form": EnrolmentForm(), "collector_form": CollectorForm(), "revoke_form": RevokeForm(),
        "hand_over_form": HandOverForm(), "merge_form": MergeForm(),
        "active_card": next((c for c in household.cards.all() if c.is_active), None),
        "received": goods_received(household),
        **household_needs_context(request, household),
        **forms,
    })


@role_required("distribution.manage_households")
def household_edit(request, pk):
    household = get_object_or_404(Household, pk=pk, status=Household.Status.ACTIVE)
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        household = form.save(commit=False)
        if "consent_date" in form.changed_data and household.consent_date:
            household.consent_recorded_by = request.user
        services.update_household(household, by=request.user)
        messages.success(request, _("The household was saved."))
        return redirect("distribution:household", pk=pk)
    return render(request, "distribution/simple_form.html", {
        "form": form, "title": _("Edit household %(id)s") % {"id": pk}, "back": household})


@role_required("distribution.manage_households")
def member_edit(request, pk, person_pk=None):
    household = get_object_or_404(Household, pk=pk, status=Household.Status.ACTIVE)
    person = get_object_or_404(Person, pk=person_pk, household=household) if person_pk else Person(household=household)
    form = PersonForm(request.POST or None, instance=person)
    confirm_form = DuplicateConfirmForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid() and confirm_form.is_valid():
        try:
            services.save_member(form.save(commit=False), by=request.user,
                                 allow_duplicates=confirm_form.cleaned_data["allow_duplicates"])
        except services.DuplicatesFound as exc:
            duplicates = exc.duplicates
        except DistributionError as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("distribution:household", pk=pk)
    return render(request, "distribution/simple_form.html", {
        "form": form, "confirm_form": confirm_form, **_duplicates(duplicates), "back": household,
        "title": _("Edit member") if person_pk else _("New member")})


@require_POST
@role_required("distribution.manage_households")
def member_remove(request, pk, person_pk):
    person = get_object_or_404(Person, pk=person_pk, household_id=pk)
    form = MemberLeftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("distribution:household", pk=pk)
    try:
        services.remove_member(person, by=request.user, left_on=form.cleaned_data["left_on"])
        messages.success(request, _("The member was recorded as having left the household."))
    except DistributionError as exc:
        show_refusal(request, exc)
    return redirect("distribution:household", pk=pk)


@require_POST
@role_required("distribution.manage_households")
def collector_add(request, pk):
    household = get_object_or_404(Household, pk=pk, status=Household.Status.ACTIVE)
    form = CollectorForm(request.POST, instance=AuthorisedCollector(household=household))
    if form.is_valid():
        try:
            services.add_collector(form.save(commit=False), by=request.user)
        except (ValidationError, DistributionError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The authorised collector was added."))
            return redirect("distribution:household", pk=pk)
    return household_page(request, pk, collector_form=form)


@require_POST
@role_required("distribution.manage_households")
def collector_remove(request, pk, collector_pk):
    collector = get_object_or_404(AuthorisedCollector, pk=collector_pk, household_id=pk)
    services.deactivate_collector(collector, by=request.user)
    messages.success(request, _("The authorisation was withdrawn."))
    return redirect("distribution:household", pk=pk)


@require_POST
@role_required("distribution.manage_households")
def enrolment_add(request, pk):
    household = get_object_or_404(Household, pk=pk)
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        try:
            enrol(household, form.cleaned_data["programme"], form.cleaned_data["start"], form.cleaned_data["end"],
                  decision_reference=form.cleaned_data["decision_reference"], by=request.user)
        except (ValidationError, DistributionError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The enrolment was saved."))
            return redirect("distribution:household", pk=pk)
    return household_page(request, pk, enrolment_form=form)


@role_required("distribution.manage_households")
@recent_authentication_required
def household_merge(request, pk):
    """Merge another household into this one. When the two share people (same AMKA or identifier, or
    same name and birth date), a second step lists the pairs for staff to confirm before merging."""
    keep = get_object_or_404(Household, pk=pk)
    form = MergeForm(request.POST or None)
    pairs = []
    if request.method == "POST" and form.is_valid():
        other = Household.objects.filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error("other", _("There is no household with that number."))
        else:
            pairs = services.same_people(keep, other) if other.pk != keep.pk else []
            if not pairs or request.POST.get("pairs_seen"):
                chosen = set(request.POST.getlist("same"))
                try:
                    services.merge_households(keep, other, by=request.user,
                                              same=[(p.kept, p.merged) for p in pairs if p.value in chosen])
                except DistributionError as exc:
                    show_refusal(request, exc, form=form)
                else:
                    messages.success(request, _("Household %(other)s was merged into this one.")
                                     % {"other": other.pk})
                    return redirect("distribution:household", pk=pk)
    return render(request, "distribution/household_merge.html", {
        "form": form, "pairs": pairs, "back": keep,
        "title": _("Merge another household into household %(id)s") % {"id": pk}})


@role_required("distribution.manage_households")
def nationalities_to_resolve(request):
    """Nationalities written as text that name no country (from before the list, or imported): staff
    choose the country for each text, once for everyone who has it."""
    from ..nationality import nationality_choices
    from ..selectors.reporting import unresolved_nationalities

    if request.method == "POST":
        text, code = request.POST.get("text", ""), request.POST.get("code", "")
        try:
            count = services.resolve_nationality(text, code, by=request.user)
        except DistributionError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("%(count)s people now have that nationality.") % {"count": count})
        return redirect("distribution:nationalities")
    return render(request, "distribution/nationalities.html", {
        "title": _("Nationalities to resolve"), "rows": unresolved_nationalities(),
        "choices": nationality_choices()})


@role_required("distribution.manage_households")
@recent_authentication_required
def person_export(request, person_pk):
    """Right of access: everything held about one person, as a JSON file."""
    person = get_object_or_404(Person.everyone.select_related("household"), pk=person_pk)  # former members too
    with transaction.atomic():
        data = retention_services.person_access_export(person, by=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@require_POST
@role_required("distribution.manage_households")
def household_anonymise(request, pk):
    household = get_object_or_404(Household, pk=pk)
    retention_services.anonymise_household(household, by=request.user)
    messages.success(request, _("The household's personal data were removed; the statistics remain."))
    return redirect("distribution:household", pk=pk)
