from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelIdsField
from core.numbers import limits
from core.once import OnceFormMixin
from core.selectors import active_locations

from .models import Donation, Donor, Item, Pack, StockMovement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def quantity_field(label=None, *, required=True, min_value=Decimal("0.001"), **attrs):
    """A Decimal quantity that accepts Greek "2,5" as well as "2.5", with a numeric keypad on phones."""
    return forms.DecimalField(
        label=label or _("quantity"), required=required, max_digits=12, decimal_places=3,
        validators=limits(min_value=min_value),  # the limit in the message as the page writes it: "0,001"
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs}),
    )


class ItemForm(forms.ModelForm):
    barcode = forms.CharField(
        label=_("barcode (EAN/UPC)"), required=False, max_length=64,
        help_text=_("Scan the product's barcode. Leave empty for goods without one: they get our own label."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Item
        fields = ["name_el", "name_en", "category", "unit", "weight_kg", "unit_value_eur", "is_food", "food_group",
                  "has_expiry", "is_active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["weight_kg", "unit_value_eur"]

    def __init__(self, *args, thresholds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["barcode"]
        self.locations = list(active_locations())
        for location in self.locations:
            self.fields[f"threshold_{location.pk}"] = quantity_field(
                _("Low-stock threshold at %(location)s") % {"location": location.name}, required=False,
                min_value=Decimal("0"))
            if thresholds and location.pk in thresholds:
                self.initial[f"threshold_{location.pk}"] = thresholds[location.pk]

    def clean(self):
        data = super().clean()
        if data.get("is_food") and not data.get("food_group"):
            self.add_error("food_group", _("Choose the food group of a food item."))
        if not data.get("is_food"):
            data["food_group"] = ""
        return data

    def thresholds(self) -> dict:
        return {loc: self.cleaned_data.get(f"threshold_{loc.pk}") for loc in self.locations}

    def threshold_fields(self):
        return [self[f"threshold_{loc.pk}"] for loc in self.locations]


class BarcodeForm(forms.Form):
    code = forms.CharField(label=_("barcode"), max_length=64,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type a barcode"), max_length=64, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text",
                                      "data-scan-input": "1", "enterkeyhint": "go"}),
    )


class AttachCodeForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    item = forms.ModelChoiceField(label=_("Attach the code to the item"), queryset=Item.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(is_active=True).order_by("name_el")


class DonorForm(forms.ModelForm):
    class Meta:
        model = Donor
        fields = ["name", "kind", "tax_number", "address", "phone", "email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = ["donor", "location", "date", "notes"]
        widgets = {"date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()


class PackChoiceMixin:
    """A "counted in" choice: units, or one of the item's packs (the quantity is then a number of packs).
    Hidden when the item has no packs."""

    def setup_packs(self):
        item_id = self.data.get("item") if self.is_bound else self.initial.get("item")
        item_id = getattr(item_id, "pk", item_id)
        packs = Pack.objects.filter(item_id=int(item_id)) if str(item_id or "").isdigit() else Pack.objects.none()
        field = self.fields["pack"]
        field.queryset = packs.order_by("units")
        field.label_from_instance = lambda pack: pack.label
        if not packs.exists():
            field.widget = forms.HiddenInput()

    def clean_pack(self):
        pack = self.cleaned_data.get("pack")
        item = self.cleaned_data.get("item")
        if pack is not None and item is not None and pack.item_id != item.pk:
            raise forms.ValidationError(_("This pack is not a pack of the item."))
        return pack


def pack_field():
    return forms.ModelChoiceField(label=_("counted in"), queryset=Pack.objects.none(), required=False,
                                  empty_label=_("units"))


class DonationLineForm(PackChoiceMixin, forms.Form):
    item = forms.ModelChoiceField(queryset=Item.objects.filter(is_active=True), widget=forms.HiddenInput)
    quantity = quantity_field(autofocus=True)
    pack = pack_field()
    expiry_date = forms.DateField(label=_("expiry date"), required=False, widget=DATE_WIDGET)
    lot = forms.CharField(label=_("lot"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_packs()

    def clean(self):
        data = super().clean()
        item = data.get("item")
        if item and item.has_expiry and not data.get("expiry_date"):
            self.add_error("expiry_date", _("This item has an expiry date: enter it from the package."))
        return data


class TransferForm(OnceFormMixin, forms.Form):
    from_location = forms.ModelChoiceField(label=_("from"), queryset=None)
    to_location = forms.ModelChoiceField(label=_("to"), queryset=None)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_location"].queryset = active_locations()
        self.fields["to_location"].queryset = active_locations()

    def clean(self):
        data = super().clean()
        if data.get("from_location") and data.get("from_location") == data.get("to_location"):
            self.add_error("to_location", _("Choose two different locations."))
        return data


class TransferLineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("item"), queryset=None, required=False)
    quantity = quantity_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(is_active=True).order_by("name_el")

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Enter how many to move."))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Choose the item."))
        return data


TransferLineFormSet = forms.formset_factory(TransferLineForm, extra=5, max_num=60)


class WriteOffForm(OnceFormMixin, forms.Form):
    REASONS = [(r.value, r.label) for r in (StockMovement.Reason.EXPIRED, StockMovement.Reason.DAMAGED,
                                            StockMovement.Reason.WRITTEN_OFF)]
    quantity = quantity_field()
    reason = forms.ChoiceField(label=_("reason"), choices=REASONS)
    reason_text = forms.CharField(label=_("note"), required=False, max_length=300,
                                  help_text=_("Required for “other”."))


class ReverseForm(forms.Form):
    reason_text = forms.CharField(label=_("Why is the movement reversed?"), max_length=300)


class StockTakeForm(forms.Form):
    location = forms.ModelChoiceField(label=_("location"), queryset=None)
    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()


class CountForm(PackChoiceMixin, forms.Form):
    item = forms.ModelChoiceField(queryset=Item.objects.all(), widget=forms.HiddenInput)
    quantity = quantity_field(_("counted quantity"), min_value=Decimal("0"), autofocus=True)
    pack = pack_field()
    expiry_date = forms.DateField(label=_("expiry date (if several lots)"), required=False, widget=DATE_WIDGET)
    lot = forms.CharField(label=_("lot"), required=False, max_length=60)
    shelf = forms.CharField(label=_("shelf or area"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_packs()


class ReportForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("until"), widget=DATE_WIDGET)
    location = forms.ModelChoiceField(label=_("location"), queryset=None, required=False,
                                      empty_label=_("All locations"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class LabelForm(forms.Form):
    items = ModelIdsField(label=_("items"), queryset=None, widget=forms.CheckboxSelectMultiple)
    copies = forms.IntegerField(label=_("labels per item"), min_value=1, max_value=240, initial=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(is_active=True).order_by("name_el")


class PackForm(forms.Form):
    name = forms.CharField(label=_("pack name"), max_length=60,
                           help_text=_("For example: case, carton, crate."))
    units = forms.IntegerField(label=_("units in the pack"), min_value=2, max_value=100_000,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    code = forms.CharField(label=_("barcode on the pack"), required=False, max_length=64,
                           help_text=_("Scan it if the pack has one; otherwise print our own pack label."),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))


class PackLabelForm(forms.Form):
    copies = forms.IntegerField(label=_("labels"), min_value=1, max_value=240, initial=3)


class KitLineForm(forms.Form):
    component = forms.ModelChoiceField(label=_("item"), queryset=Item.objects.filter(is_active=True))
    quantity = quantity_field(_("quantity per kit"))


class KitAssembleForm(forms.Form):
    ASSEMBLE, DISASSEMBLE = "assemble", "disassemble"
    location = forms.ModelChoiceField(label=_("location"), queryset=None)
    count = forms.IntegerField(label=_("number of kits"), min_value=1, max_value=100_000,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    action = forms.ChoiceField(label=_("action"), choices=[(ASSEMBLE, _("Assemble kits")),
                                                          (DISASSEMBLE, _("Take kits apart"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = active_locations()
