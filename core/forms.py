from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Centre, Location, User
from .uploads import check_image


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "address", "phone", "opening_hours", "is_active"]

    def _get_validation_exclusions(self):
        # The centre is not on the form (it is the current one) but a name is unique within it.
        exclude = super()._get_validation_exclusions()
        exclude.discard("centre")
        return exclude


class CentreForm(forms.ModelForm):
    class Meta:
        model = Centre
        fields = ["name", "short_name", "address", "phones", "email", "opening_hours", "coordinator_name",
                  "logo", "funding_notice"]
        widgets = {"funding_notice": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"logo": _("PNG, JPEG, GIF or WebP, at most 2 MB.")}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo is not getattr(self.instance, "logo", None) and hasattr(logo, "image"):
            check_image(logo)
        return logo


class ApiTokenForm(forms.ModelForm):
    """A device token of the current centre, for one of its people (the device gets her role here)."""

    user = forms.ModelChoiceField(label=_("user"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        from .tenancy import current_centre_id

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, memberships__centre_id=current_centre_id()).order_by("username")

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


class UserForm(forms.ModelForm):
    """The coordinator's form for a person's account and role."""

    role = forms.ChoiceField(label=_("role"), choices=[])

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "language", "is_active"]

    def __init__(self, *args, **kwargs):
        from .roles import ROLE_LABELS, role_of

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("no role"))] + [(k, v) for k, v in ROLE_LABELS.items()]
        self.fields["role"].required = False
        if self.instance.pk:
            self.fields["role"].initial = role_of(self.instance)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of records that refuses an id too large for any database column with the
    field's own message (Django would look it up and SQLite answers with an OverflowError)."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                text = str(pk).strip()
                if text.lstrip("-").isdigit() and abs(int(text)) > 2**63 - 1:
                    raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                                params={"pk": pk})
        return super()._check_values(value)
