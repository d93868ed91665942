"""Forms of the grid worker's and dispatcher's pages: the desk's filters, approving an
extension with a new deadline, and a patrol report. They check input only; the services
decide. The per-action forms of the order page (file, decline, close, rework …) are in
`forms.py` and post to `workorders:act`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.models import User
from linli.territory.models import Region
from linli.workorders.forms import OrderForm
from linli.workorders.models import Category, DeadlineUnit, OrderState, Source
from linli.workorders.permissions import desk_regions
from linli.workorders.queues import ALL_STATES, AWAITING_APPROVAL, DeskFilters
from linli.workorders.services.approvals import MAX_EXTENSION
from linli.workorders.services.transitions import NOTE_MAX

_LEVELS = (Region.Level.DISTRICT, Region.Level.SUBDISTRICT, Region.Level.COMMUNITY)


class _RegionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class _CategoryChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Category) -> str:
        return ("\u3000" * (obj.level - 1)) + f"{obj.code} {obj.name}"


class DeskFilterForm(forms.Form):
    """The dispatch desk's filters (GET). A bad value is dropped with a message on its field,
    never a 500."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    category = _CategoryChoice(
        queryset=Category.objects.none(), label=gettext_lazy("Category"), required=False
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    district = _RegionChoice(
        queryset=Region.objects.none(), label=gettext_lazy("District"), required=False
    )
    subdistrict = _RegionChoice(
        queryset=Region.objects.none(), label=gettext_lazy("Subdistrict"), required=False
    )
    community = _RegionChoice(
        queryset=Region.objects.none(), label=gettext_lazy("Community"), required=False
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        any_ = [("", _("All"))]
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            ("", _("Open orders")),
            (AWAITING_APPROVAL, _("Awaiting approval")),
            (ALL_STATES, _("All, closed ones too")),
            *OrderState.choices,
        ]
        self.fields["source"].choices = [*any_, *Source.choices]  # type: ignore[attr-defined]
        for name in ("category", "district", "subdistrict", "community"):
            self.fields[name].empty_label = _("All")  # type: ignore[attr-defined]
        self.fields["category"].queryset = (  # type: ignore[attr-defined]
            Category.objects.active()
            .filter(level__lte=Category.Level.MINOR)
            .order_by("kind", "code")
        )
        self.region_levels = self._region_fields(user)

    def _region_fields(self, user: User) -> list[str]:
        """Offer a select per level below the user's own regions; a deeper select lists the
        children of what the shallower one holds, so none lists the whole city."""
        scope = Region.objects.within_any(desk_regions(user))
        top = scope.order_by("level").values_list("level", flat=True).first()
        shown, parent = [], None
        for level, name in zip(_LEVELS, ("district", "subdistrict", "community"), strict=True):
            field = self.fields[name]
            if top is None or level <= top:
                del self.fields[name]
                continue
            options = scope.filter(level=level).only("pk", "name", "path", "parent_id")
            if parent is not None:
                options = options.filter(parent_id=parent)
            elif level > top + 1:
                # Nothing chosen one level up: leave this level for after that choice.
                del self.fields[name]
                continue
            field.queryset = options.order_by("code")  # type: ignore[attr-defined]
            shown.append(name)
            parent = self.data.get(name) or None
            if parent is not None and not str(parent).isdigit():
                parent = None
        return shown

    @property
    def region_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.region_levels]

    def filters(self) -> DeskFilters:
        """The filters to apply; with invalid input, those fields that were valid."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        region = None
        for name in reversed(self.region_levels):
            if data.get(name) is not None:
                region = data[name]
                break
        return DeskFilters(
            state=data.get("state") or "",
            category=data.get("category"),
            source=data.get("source") or "",
            overdue=bool(data.get("overdue")),
            region=region,
            text=data.get("q") or "",
        )


class ExtensionApprovalForm(forms.Form):
    """Approve an extension: the time asked for, or another amount (a new deadline)."""

    amount = forms.IntegerField(
        label=gettext_lazy("Extend by"),
        min_value=1,
        max_value=max(MAX_EXTENSION.values()),
        error_messages={
            "required": gettext_lazy("Extend by: enter a number."),
            "invalid": gettext_lazy("Extend by: enter a whole number."),
            "min_value": gettext_lazy("Extend by: at least %(limit_value)s."),
            "max_value": gettext_lazy("Extend by: at most %(limit_value)s."),
        },
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit"),
        choices=DeadlineUnit.choices,
        error_messages={"required": gettext_lazy("Unit: choose working hours or working days.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": gettext_lazy("Note: keep it under %(limit_value)d characters.")
        },
    )


class PatrolForm(OrderForm):
    """巡查上报: a problem the grid worker found, placed where they stand (or on the map);
    optionally solved there and then (就地化解), which needs photos and what was done."""

    resolved = forms.BooleanField(label=gettext_lazy("Solved it on the spot"), required=False)
    result = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["name_public"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("resolved"):
            if not (data.get("result") or "").strip():
                self.add_error("result", _("What was done: describe how it was solved."))
            if not data.get("photos"):
                self.add_error("photos", _("Photos: add at least one photo as evidence."))
        return data
