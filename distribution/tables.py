import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .identifiers import format_card_number
from .models import Card, Enrolment, Household


class HouseholdTable(tables.Table):
    id = tables.LinkColumn("distribution:household", args=[tables.A("pk")], verbose_name=_("No."))
    reference_last_name = tables.Column(verbose_name=_("last name"))
    reference_first_name = tables.Column(verbose_name=_("first name"))
    member_count = tables.Column(verbose_name=_("members"))
    card_number = tables.Column(verbose_name=_("card"))
    card_status = tables.Column(verbose_name=_("card status"))

    class Meta:
        model = Household
        fields = ["id", "reference_last_name", "reference_first_name", "member_count", "area", "card_number",
                  "card_status"]

    def render_card_number(self, value):
        return format_card_number(value)

    def render_card_status(self, value):
        return Card.Status(value).label if value else ""


class ExpiringTable(tables.Table):
    household = tables.LinkColumn("distribution:household", args=[tables.A("household_id")],
                                  verbose_name=_("household"), accessor="household_id")
    reference_last_name = tables.Column(verbose_name=_("last name"))
    reference_first_name = tables.Column(verbose_name=_("first name"))

    class Meta:
        model = Enrolment
        fields = ["household", "reference_last_name", "reference_first_name", "programme", "start", "end",
                  "decision_reference"]


class CardTable(tables.Table):
    select = tables.TemplateColumn(template_name="distribution/_card_select.html", verbose_name=_("print"),
                                   orderable=False, exclude_from_export=True)
    number = tables.Column(verbose_name=_("card number"))
    household = tables.LinkColumn("distribution:household", args=[tables.A("household_id")],
                                  accessor="household_id", verbose_name=_("household"))

    class Meta:
        model = Card
        fields = ["select", "number", "household", "status", "requested_at", "printed_at", "valid_until"]

    def render_number(self, value):
        return format_card_number(value)
