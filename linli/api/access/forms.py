from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"),
        max_length=100,
        help_text=_("The app, device or program that will use the token, e.g. 12345 hotline sync."),
        error_messages={
            "required": _("Name: say which app or device the token is for."),
            "max_length": _("Name: keep it under 100 characters."),
        },
    )
