from django import forms
from django.utils.translation import gettext_lazy as _

from linli.lib.phone import normalize_phone, validate_mobile


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            label=_("Mobile number"),
            max_length=20,
            widget=forms.TextInput(
                attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "138xxxxxxxx"}
            ),
            **kwargs,  # type: ignore[arg-type]
        )

    def clean(self, value: str) -> str:
        phone = normalize_phone(super().clean(value))
        validate_mobile(phone)
        return phone


class PasswordLoginForm(forms.Form):
    phone = PhoneField()
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SendCodeForm(forms.Form):
    phone = PhoneField()


class CodeLoginForm(forms.Form):
    phone = PhoneField()
    code = forms.RegexField(
        label=_("SMS code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
