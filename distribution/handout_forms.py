"""Forms of the hand-out pages: the desk's choices, the anonymous hand-out, the basket's lines."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.memberships import members
from core.models import Location
from core.numbers import MinValueValidator
from core.once import OnceFormMixin
from inventory.models import Item

from .models import Handout, Programme
from .models.handouts import AGE_GROUPS


def _staff_users():
    """Staff and coordinators of the current centre (who may take goods to a home)."""
    return members("staff", "coordinator").order_by("first_name", "last_name")


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class HandoutBaseForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Handout.Kind.choices, initial=Handout.Kind.EMERGENCY,
                             widget=forms.RadioSelect)
    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.filter(is_active=True))
    delivered_by = _UserChoice(label=_("Taken home by"), queryset=get_user_model().objects.none(), required=False,
                               help_text=_("Home delivery only: who takes the goods."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = _staff_users()

    def clean(self):
        data = super().clean()
        if data.get("delivered_by") and data.get("kind") != Handout.Kind.HOME_DELIVERY:
            self.add_error("delivered_by", _("Only a home delivery has someone who takes it."))
        return data


class DeskForm(HandoutBaseForm):
    """A hand-out to a registered household: the programme it is under and, when a rule refuses, why
    it is given anyway."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.filter(is_active=True))
    override_reason = forms.CharField(
        label=_("Why hand out anyway"), max_length=300, required=False,
        help_text=_("Only when a rule refuses: the reason is recorded with the hand-out and in the audit log."))

    field_order = ["programme", "location", "kind", "delivered_by", "override_reason"]


class AnonymousForm(HandoutBaseForm):
    """An anonymous hand-out: nothing personal, a reason and how many people."""

    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=Handout._meta.get_field("reason").help_text)
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=99, initial=1)
    programme = forms.ModelChoiceField(label=_("Programme (optional)"), required=False,
                                       queryset=Programme.objects.filter(is_active=True))
    women = forms.IntegerField(label=_("of whom women"), min_value=0, max_value=99, required=False)
    men = forms.IntegerField(label=_("of whom men"), min_value=0, max_value=99, required=False)

    field_order = ["kind", "location", "reason", "people", *(name for name, _label in AGE_GROUPS), "women", "men",
                   "programme", "delivered_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in AGE_GROUPS:
            self.fields[name] = forms.IntegerField(label=_("aged %(group)s") % {"group": label}, min_value=0,
                                                   max_value=99, required=False)
        self.order_fields(self.field_order)

    @property
    def groups(self) -> dict:
        return {name: self.cleaned_data.get(name) or 0 for name in [*(n for n, _l in AGE_GROUPS), "women", "men"]}


class LineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.filter(is_active=True), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, required=False,
                                  validators=[MinValueValidator(Decimal("0.001"))])

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Enter the quantity."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=2, max_num=40, validate_max=True)


def basket_lines(formset) -> list:
    """(item, quantity) of the filled rows of a valid LineFormSet."""
    return [(row.cleaned_data["item"], row.cleaned_data["quantity"]) for row in formset.forms
            if row.cleaned_data.get("item") and row.cleaned_data.get("quantity")]


def initial_lines(basket) -> list[dict]:
    return [{"item": line.item.pk, "quantity": line.quantity} for line in basket]
