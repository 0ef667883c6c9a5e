from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SecurityPolicy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, strip=True,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "autofocus": True}))
    trust = forms.BooleanField(label=_("Trust this browser: do not ask for a second factor here for a while. "
                                       "Never on a shared computer."), required=False)

    def __init__(self, *args, trust_days=0, **kwargs):
        super().__init__(*args, **kwargs)
        if trust_days:
            self.fields["trust"].label = _("Trust this browser for %(days)s days: do not ask for a second factor "
                                           "here. Never on a shared computer.") % {"days": trust_days}
        else:
            del self.fields["trust"]


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("The six digits the app shows"), max_length=12, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["staff_two_factor", "coordinator_two_factor", "trusted_device_days"]
        widgets = {"trusted_device_days": forms.NumberInput(attrs={"min": 0, "max": 90})}

    def clean_trusted_device_days(self):
        days = self.cleaned_data["trusted_device_days"]
        if days is not None and days > 90:
            raise forms.ValidationError(_("A device may be trusted for at most 90 days."))
        return days
