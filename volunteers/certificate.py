"""The PDF certificate of volunteer service, in Greek, with the centre's details and approved hours."""

import io

from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.codes import register_pdf_fonts
from core.models import Centre

from .models import Assignment, Role


def _hours(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def certificate_pdf(volunteer, *, since=None, until=None, language: str = "el") -> bytes:
    regular, bold = register_pdf_fonts()
    centre = Centre.current()
    approved = Assignment.objects.filter(volunteer=volunteer, hours_approved_at__isnull=False)
    if since:
        approved = approved.filter(starts_at__date__gte=since)
    if until:
        approved = approved.filter(starts_at__date__lte=until)
    per_role = list(approved.values("shift__role").annotate(hours=Sum("hours"), shifts=Count("id"))
                    .order_by("shift__role"))
    total = sum((row["hours"] for row in per_role), 0)
    shifts = sum(row["shifts"] for row in per_role)
    first = approved.order_by("starts_at").first()
    last = approved.order_by("-starts_at").first()
    roles = dict(Role.choices)

    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=16)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    heading = ParagraphStyle("heading", parent=base, fontName=bold, fontSize=17, leading=22, alignment=1,
                             spaceAfter=8)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=12, alignment=1)
    out = io.BytesIO()
    with translation.override(language):
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                                bottomMargin=20 * mm, title=_("Certificate of volunteer service"),
                                author=centre.name)
        date_from = since or (timezone.localtime(first.starts_at).date() if first else None)
        date_to = until or (timezone.localtime(last.starts_at).date() if last else None)
        story = [
            Paragraph(centre.name, head),
            Paragraph(" · ".join(p for p in [centre.address, centre.phones, centre.email] if p), ParagraphStyle(
                "c", parent=small, alignment=1)),
            Spacer(1, 14 * mm),
            Paragraph(_("CERTIFICATE OF VOLUNTEER SERVICE"), heading),
            Spacer(1, 8 * mm),
            Paragraph(_("We certify that <b>%(name)s</b> offered volunteer service at %(centre)s, "
                        "in %(shifts)s shifts with a total of <b>%(hours)s hours</b>%(period)s.") % {
                "name": volunteer.full_name, "centre": centre.name, "shifts": shifts, "hours": _hours(total),
                "period": (_(", from %(from)s to %(to)s") % {"from": f"{date_from:%d/%m/%Y}",
                                                             "to": f"{date_to:%d/%m/%Y}"})
                if date_from and date_to else ""}, base),
            Spacer(1, 6 * mm),
        ]
        if per_role:
            rows = [[_("Service"), _("Shifts"), _("Hours")]] + [
                [str(roles.get(r["shift__role"], r["shift__role"])), str(r["shifts"]), _hours(r["hours"])]
                for r in per_role] + [[_("Total"), str(shifts), _hours(total)]]
            table = Table(rows, colWidths=[90 * mm, 30 * mm, 30 * mm])
            table.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTNAME", (0, 0), (-1, 0), bold),
                ("FONTNAME", (0, -1), (-1, -1), bold), ("FONTSIZE", (0, 0), (-1, -1), 10.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, "#000000"), ("LINEABOVE", (0, -1), (-1, -1), 0.8, "#000000"),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
            story.append(table)
        story += [
            Spacer(1, 8 * mm),
            Paragraph(_("We thank them warmly for their contribution to the residents served by the centre."), base),
            Spacer(1, 6 * mm),
            Paragraph(_("Issued on %(date)s at the request of the person concerned.") % {
                "date": f"{timezone.localdate():%d/%m/%Y}"}, base),
            Spacer(1, 18 * mm),
            Paragraph(_("The coordinator"), ParagraphStyle("sig", parent=base, alignment=2)),
            Spacer(1, 14 * mm),
            Paragraph(centre.coordinator_name or "", ParagraphStyle("sig2", parent=base, alignment=2)),
            Spacer(1, 20 * mm),
            Paragraph(centre.funding_notice, small) if centre.funding_notice else Spacer(1, 1),
        ]
        doc.build(story)
    return out.getvalue()
