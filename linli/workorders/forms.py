"""Forms of the resident, responder and order pages. They check input and hand clean data to
the services in `linli.workorders.services`; who may do what is for `permissions` and the
services to say.

Every message names its field, so a phone user who scrolled past it still knows what to fix
(the pages also list the errors at the top of the form)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from linli.accounts.models import Organization, User
from linli.lib.geo import out_of_china
from linli.lib.photos import MAX_PHOTOS_PER_SUBMISSION, PhotoError, process_photo
from linli.territory import gridindex
from linli.territory.models import Region
from linli.workorders.models import Action, Category, DeadlineUnit
from linli.workorders.services.approvals import MAX_EXTENSION
from linli.workorders.services.intake import CLIENT_TOKEN_MAX, DESCRIPTION_MAX
from linli.workorders.services.transitions import NOTE_MAX
from linli.workorders.templatetags.order_tags import SATISFACTION_TEXT

CRS_CHOICES = [("wgs84", "WGS84"), ("gcj02", "GCJ-02")]


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS_PER_SUBMISSION photos from one `<input type=file multiple>`.

    Here only the count and sizes are checked; what each file really is, the service finds
    out when it cleans them (see `photo_problems` for listing every bad file)."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS_PER_SUBMISSION:
            raise ValidationError(
                _("Photos: add at most %(max)d; you chose %(count)d.")
                % {"max": MAX_PHOTOS_PER_SUBMISSION, "count": len(files)},
                code="too_many",
            )
        problems = []
        limit_mb = f"{settings.PHOTO_MAX_BYTES / 1024 / 1024:g}"
        for upload in files:
            if not upload.size:
                problems.append(_("Photo %(name)s is empty.") % {"name": upload.name})
            elif upload.size > settings.PHOTO_MAX_BYTES:
                problems.append(
                    _("Photo %(name)s is larger than %(limit)s MB.")
                    % {"name": upload.name, "limit": limit_mb}
                )
        if problems:
            raise ValidationError(problems, code="invalid")
        return files


def photo_problems(files: Sequence[UploadedFile]) -> list[str]:
    """What is wrong with each photo, one message per bad file (for the error path: the
    service stops at the first bad photo, the person wants to know about all of them)."""
    problems = []
    for upload in files:
        upload.seek(0)
        try:
            process_photo(upload, name=str(upload.name or ""))
        except PhotoError as exc:
            problems.append(str(exc))
        finally:
            upload.seek(0)
    return problems


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    one (location errors go on `lng`, the place picker), otherwise above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        name = "lng" if field == "location" and "lng" in form.fields else field
        form.add_error(name if name in form.fields else None, errors)


def place_problem(lng: float, lat: float, crs: str) -> str | None:
    """Why an order cannot be placed at the point, naming the nearest grid; None if a grid
    holds it."""
    if crs == "wgs84" and out_of_china(lng, lat):
        return _(
            "Place: (%(lng).5f, %(lat).5f) is not in China. Tap the map where the problem is."
        ) % {
            "lng": lng,
            "lat": lat,
        }
    found = gridindex.resolve(lng, lat, crs="gcj02" if crs == "gcj02" else "wgs84")
    if found.found:
        return None
    if found.nearest is None:
        return _("Place: no grid has been drawn in this city yet, so the order cannot be placed.")
    nearest = Region.objects.filter(pk=found.nearest.id).select_related("parent").first()
    name = found.nearest.name
    if nearest is not None and nearest.parent is not None:
        name = gridindex.grid_label(nearest.parent.name, nearest.name)
    distance = found.distance_m or 0
    if distance >= 1000:
        far = _("%(km).1f km") % {"km": distance / 1000}
    else:
        far = _("%(m)d m") % {"m": round(distance)}
    return _(
        "Place: this point is outside every grid of the city. The nearest grid is "
        "%(grid)s, %(distance)s away. Move the pin onto the street or building where the "
        "problem is."
    ) % {"grid": name, "distance": far}


class OrderForm(forms.Form):
    """我要报事: a resident's request."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        label=gettext_lazy("Category"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Category: choose what kind of problem or help it is."),
            "invalid_choice": gettext_lazy("Category: choose one from the list."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Description: say what the problem is or what you need."),
            "max_length": gettext_lazy("Description: keep it under %(limit_value)d characters."),
        },
    )
    photos = PhotosField(label=gettext_lazy("Photos"))
    lng = forms.FloatField(label=gettext_lazy("Place"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    crs = forms.ChoiceField(choices=CRS_CHOICES, required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=gettext_lazy("Address or landmark"),
        max_length=200,
        required=False,
        error_messages={"max_length": gettext_lazy("Address: keep it under 200 characters.")},
    )
    name_public = forms.BooleanField(label=gettext_lazy("Show my name publicly"), required=False)
    urgent = forms.BooleanField(label=gettext_lazy("Urgent"), required=False)
    client_token = forms.CharField(
        max_length=CLIENT_TOKEN_MAX, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["category"])  # type: ignore[type-arg]
        field.queryset = Category.objects.active().leaves()
        if not self.is_bound:
            # One token per rendering of the form: a resubmission carries the same one.
            self.initial.setdefault("client_token", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lng, lat = data.get("lng"), data.get("lat")
        if lng is None or lat is None:
            self.add_error("lng", _("Place: use your current position or tap the map where it is."))
        elif problem := place_problem(lng, lat, data.get("crs") or "wgs84"):
            self.add_error("lng", problem)
        return data


# ---------------------------------------------------------------------------------------
# One small form per action, all posted to workorders:act.

_NOTE_WIDGET = forms.Textarea(attrs={"rows": 2})


class ActionForm(forms.Form):
    """An action with an optional note. Subclasses add fields and make the note required."""

    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=_NOTE_WIDGET,
        error_messages={
            "max_length": gettext_lazy("Note: keep it under %(limit_value)d characters.")
        },
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.action = action


def _required_note(label: StrPromise, message: StrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=NOTE_MAX,
        widget=_NOTE_WIDGET,
        error_messages={
            "required": message,
            "max_length": gettext_lazy("Note: keep it under %(limit_value)d characters."),
        },
    )


class ReasonForm(ActionForm):
    note = _required_note(gettext_lazy("Reason"), gettext_lazy("Reason: please give a reason."))


class ReportForm(ActionForm):
    """处置反馈: what was done, with photos."""

    note = _required_note(
        gettext_lazy("What was done"), gettext_lazy("What was done: describe the result.")
    )
    photos = PhotosField(label=gettext_lazy("Photos"))


class EvidenceForm(ReportForm):
    """就地化解: result and at least one photo."""

    photos = PhotosField(
        label=gettext_lazy("Photos"),
        required=True,
        error_messages={"required": gettext_lazy("Photos: add at least one photo as evidence.")},
    )


class CheckForm(ActionForm):
    """核查: an optional note and photos."""

    photos = PhotosField(label=gettext_lazy("Photos"))


class ReworkForm(ReportForm):
    note = _required_note(
        gettext_lazy("What must be redone"),
        gettext_lazy("What must be redone: say what the check found."),
    )


class ExtensionForm(ActionForm):
    amount = forms.IntegerField(
        label=gettext_lazy("How much more time"),
        min_value=1,
        max_value=max(MAX_EXTENSION.values()),
        initial=1,
        error_messages={
            "required": gettext_lazy("How much more time: enter a number."),
            "invalid": gettext_lazy("How much more time: enter a whole number."),
            "min_value": gettext_lazy("How much more time: at least %(limit_value)s."),
            "max_value": gettext_lazy("How much more time: at most %(limit_value)s."),
        },
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit"),
        choices=DeadlineUnit.choices,
        initial=DeadlineUnit.WORKING_DAYS,
        error_messages={"required": gettext_lazy("Unit: choose working hours or working days.")},
    )
    note = _required_note(
        gettext_lazy("Reason"), gettext_lazy("Reason: say why more time is needed.")
    )


class DispatchForm(ActionForm):
    """派单 to a person or a unit (the dispatch page offers ranked candidates)."""

    to_user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        label=gettext_lazy("Responder"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Responder: choose one from the list.")},
    )
    to_unit = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        label=gettext_lazy("Unit"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Unit: choose one from the list.")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and data.get("to_user") is None and data.get("to_unit") is None:
            self.add_error("to_user", _("Responder: choose a person or a unit to dispatch to."))
        return data


class RateForm(ActionForm):
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("Was the problem solved?"),
        choices=[("yes", gettext_lazy("Solved")), ("no", gettext_lazy("Not solved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Solved: say whether the problem was solved.")},
    )
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you?"),
        choices=[(value, label) for value, label in SATISFACTION_TEXT.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Satisfaction: choose how satisfied you are."),
            "invalid_choice": gettext_lazy("Satisfaction: choose one of the three."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=500,
        widget=_NOTE_WIDGET,
        error_messages={
            "max_length": gettext_lazy("Comment: keep it under %(limit_value)d characters.")
        },
    )


@dataclass(frozen=True)
class ActionSpec:
    """How an action shows on the order page: its button, its form, where it ranks."""

    label: Promise
    form: type[ActionForm]
    rank: int  # lower first; below 100 are the main actions (filled buttons)
    confirm: Promise | None = None  # asked before a one-click action that cannot be undone
    # Fields to show; the note of ActionForm is left out of one-click actions.
    one_click: bool = False


ACTIONS: dict[str, ActionSpec] = {
    Action.CLAIM: ActionSpec(gettext_lazy("Claim"), ActionForm, 10, one_click=True),
    Action.ACCEPT: ActionSpec(gettext_lazy("Accept"), ActionForm, 11, one_click=True),
    Action.HANDLE: ActionSpec(gettext_lazy("Report the result"), ReportForm, 12),
    Action.RATE: ActionSpec(gettext_lazy("Rate"), RateForm, 13),
    Action.FILE: ActionSpec(gettext_lazy("File the order"), ActionForm, 20, one_click=True),
    Action.DISPATCH: ActionSpec(gettext_lazy("Dispatch"), DispatchForm, 21),
    Action.CLOSE: ActionSpec(gettext_lazy("Check and close"), CheckForm, 22),
    Action.APPROVE_RETURN: ActionSpec(gettext_lazy("Approve the return"), ActionForm, 30),
    Action.APPROVE_EXTENSION: ActionSpec(gettext_lazy("Approve the extension"), ActionForm, 31),
    Action.APPROVE_PARK: ActionSpec(gettext_lazy("Approve parking"), ActionForm, 32),
    Action.RESUME: ActionSpec(gettext_lazy("Resume handling"), ActionForm, 33),
    Action.RESOLVE_ON_SPOT: ActionSpec(gettext_lazy("Resolve on the spot"), EvidenceForm, 40),
    Action.REOPEN: ActionSpec(gettext_lazy("Reopen (handle again)"), ActionForm, 41),
    Action.RETURN: ActionSpec(gettext_lazy("Return"), ReasonForm, 110),
    Action.REQUEST_EXTENSION: ActionSpec(gettext_lazy("Ask for an extension"), ExtensionForm, 111),
    Action.PARK: ActionSpec(gettext_lazy("Ask to park"), ReasonForm, 112),
    Action.REWORK: ActionSpec(gettext_lazy("Send back for rework"), ReworkForm, 113),
    Action.DECLINE: ActionSpec(gettext_lazy("Decline to file"), ReasonForm, 114),
    Action.REFUSE_RETURN: ActionSpec(gettext_lazy("Refuse the return"), ReasonForm, 115),
    Action.REFUSE_EXTENSION: ActionSpec(gettext_lazy("Refuse the extension"), ReasonForm, 116),
    Action.REFUSE_PARK: ActionSpec(gettext_lazy("Refuse parking"), ReasonForm, 117),
    Action.REMIND: ActionSpec(gettext_lazy("Remind"), ActionForm, 120),
    Action.ESCALATE: ActionSpec(gettext_lazy("Escalate"), ActionForm, 121),
    Action.SUPPORT: ActionSpec(gettext_lazy("Me too"), ActionForm, 130, one_click=True),
    Action.CANCEL: ActionSpec(
        gettext_lazy("Cancel the order"),
        ActionForm,
        140,
        confirm=gettext_lazy("Cancel this order? This cannot be undone."),
    ),
}


class NearbyForm(forms.Form):
    """The place and category being chosen on the submit page (checked as they change)."""

    lng = forms.FloatField(min_value=-180, max_value=180)
    lat = forms.FloatField(min_value=-90, max_value=90)
    crs = forms.ChoiceField(choices=CRS_CHOICES, required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.active(), required=False)
