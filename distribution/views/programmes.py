from django.contrib import messages
from django.core.paginator import EmptyPage
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from core.params import int_param
from core.roles import STAFF, role_required

from ..forms import ProgrammeForm
from ..models import Programme
from ..selectors import expiring_enrolments
from ..services.programmes import save_programme
from ..tables import ExpiringTable


@role_required(STAFF)
def programme_list(request):
    return render(request, "distribution/programme_list.html", {
        "title": _("Programmes"), "programmes": Programme.objects.all()})


@role_required(STAFF)
def programme_edit(request, pk=None):
    programme = get_object_or_404(Programme, pk=pk) if pk else Programme()
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        save_programme(form.save(commit=False), by=request.user)
        messages.success(request, _("The programme was saved."))
        return redirect("distribution:programmes")
    return render(request, "core/form.html", {"form": form, "back_url": "distribution:programmes",
                                              "title": _("Edit programme") if pk else _("New programme")})


@role_required(STAFF)
def expiring(request):
    days = int_param(request.GET, "days", 30, minimum=1, maximum=365)
    table = ExpiringTable(expiring_enrolments(within_days=days))
    RequestConfig(request, paginate=False).configure(table)  # sorting from the address
    try:
        table.paginate(page=int_param(request.GET, "page", 1, minimum=1, maximum=10**6), per_page=50)
    except EmptyPage:
        table.paginate(page=1, per_page=50)
    return render(request, "distribution/expiring.html", {
        "title": _("Eligibility expiring soon"), "table": table, "days": days})
