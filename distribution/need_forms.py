"""Forms for needs: the coordinator's list, recording a need for a household or member, and the
substitutions of a day's basket."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from inventory.models import Item

from .forms import CentreUniqueMixin
from .models import BasketSubstitution, DistributionDay, Household, Need


class NeedForm(CentreUniqueMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["code", "name_el", "name_en", "special_category", "applies_to", "is_active"]


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or str(obj)


class HouseholdNeedForm(forms.Form):
    need = forms.ModelChoiceField(label=_("Need"), queryset=Need.objects.filter(is_active=True))
    person = _MemberChoice(label=_("Member"), queryset=None, required=False,
                           help_text=_("For a need of a member; leave empty for a need of the household."))
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), required=False,
        choices=[("", _("As for the household")), *Household.LegalBasis.choices],
        help_text=_("A need that reveals health or religion takes the person's explicit consent."))
    consent_date = forms.DateField(label=_("Consent date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = household.members.all()


class SubstitutionForm(forms.ModelForm):
    class Meta:
        model = BasketSubstitution
        fields = ["need", "kind", "from_item", "item", "quantity", "basis"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = Item.objects.filter(is_active=True).order_by("name_el")
        self.fields["from_item"].queryset = items
        self.fields["item"].queryset = items
        self.fields["need"].queryset = Need.objects.order_by("name_el")


SubstitutionFormSet = inlineformset_factory(DistributionDay, BasketSubstitution, form=SubstitutionForm, extra=2,
                                            can_delete=True)
