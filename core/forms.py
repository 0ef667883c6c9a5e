from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Centre, Location, User


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "address", "phone", "opening_hours", "is_active"]


class CentreForm(forms.ModelForm):
    class Meta:
        model = Centre
        fields = ["name", "short_name", "address", "phones", "email", "opening_hours", "coordinator_name",
                  "logo", "funding_notice"]
        widgets = {"funding_notice": forms.Textarea(attrs={"rows": 3})}


class ApiTokenForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        label=_("user"), queryset=User.objects.filter(is_active=True).order_by("username")
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]
