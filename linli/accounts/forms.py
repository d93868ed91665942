import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language_info, pgettext_lazy
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


# 我的设置: a person's own settings. Each form validates input only; services write.


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own words (简体中文 / English), whatever the page's language."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class SettingsForm(forms.Form):
    """Labels without a trailing colon; every message names its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["null_characters_not_allowed"] = format_lazy(
                _("{field}: it contains a character that is not allowed; type it again."),
                field=field.label,
            )


class ProfileForm(SettingsForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        error_messages={
            "required": _("Name: enter your name."),
            "max_length": _("Name: keep it under %(limit_value)d characters."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
        error_messages={
            "invalid": _("E-mail: enter an address like name@example.com, or leave it empty."),
            "max_length": _("E-mail: keep it under %(limit_value)d characters."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Language: choose one."),
            "invalid_choice": _("Language: choose one from the list."),
        },
    )


class ChannelsForm(SettingsForm):
    """Which outside channels the person wants notifications on. A channel the deployment has
    not turned on is shown but cannot be changed."""

    sms = forms.BooleanField(label=_("SMS"), required=False)
    wechat = forms.BooleanField(label=_("WeChat"), required=False)
    email = forms.BooleanField(label=pgettext_lazy("channel", "E-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.disabled = name not in settings.NOTIFICATION_CHANNELS

    def chosen(self) -> list[str]:
        return [name for name, on in self.cleaned_data.items() if on]


class PasswordChangeForm(SettingsForm):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Current password: enter the password you log in with.")},
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
        error_messages={
            "required": _("New password: enter the new password."),
            "max_length": _("New password: keep it under %(limit_value)d characters."),
        },
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("New password again: enter the new password once more.")},
    )
    # One token per rendering of the form: a resubmission after the change carries a used one.
    token = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2", _("New password again: it differs from the new password.")
            )
        return data
