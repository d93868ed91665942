"""Input forms: they validate and hand clean data to a service; they never save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Organization
from linli.renewal.models import (
    Consultation,
    CourtyardMerge,
    FundingSource,
    GovernanceBody,
    GovernanceMember,
    RenovationItem,
    SmartFacility,
    StreetProject,
    SurveyDefect,
)
from linli.renewal.services.pool import POOL_LATEST_BUILD_YEAR
from linli.territory.models import Courtyard, Estate, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2, min_value=Decimal(0)
    )


FUNDING_FIELDS = {kind: f"funding_{kind}" for kind in FundingSource.Kind.values}


class EstateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Estate) -> str:
        year = obj.build_year or "?"
        return f"{obj.name}（{obj.code}，{year}）"


def candidate_estates(editable: QuerySet[Estate]) -> QuerySet[Estate]:
    """Old estates not yet in a project: those in the pool or built by 2000."""
    return (
        editable.filter(renewal_participation__isnull=True)
        .filter(Q(renewal_pool_entry__isnull=False) | Q(build_year__lte=POOL_LATEST_BUILD_YEAR))
        .select_related("grid")
        .order_by("name")
    )


class ProjectForm(forms.Form):
    code = forms.CharField(label=_("project number"), max_length=40)
    name = forms.CharField(label=_("project name"), max_length=120)
    district = forms.ModelChoiceField(label=_("district or county"), queryset=Region.objects.none())
    batch_year = forms.IntegerField(label=_("annual batch"), min_value=1990, max_value=2100)
    budget_yuan = money(_("budget (yuan)"))
    funding_central = money(_("central subsidy"), required=False)
    funding_local = money(_("local budget"), required=False)
    funding_residents = money(_("residents' contribution"), required=False)
    funding_utilities = money(_("utility companies"), required=False)
    funding_social = money(_("social capital"), required=False)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    estates = EstateChoiceField(
        label=_("estates to bundle"),
        queryset=Estate.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(
        self,
        *args: Any,
        districts: QuerySet[Region],
        estates: QuerySet[Estate] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["batch_year"].initial = timezone.localdate().year
        if estates is None:
            del self.fields["estates"]
            self.fields["code"].disabled = True
        else:
            self.fields["estates"].queryset = estates  # type: ignore[attr-defined]

    def funding(self) -> dict[str, Decimal]:
        return {
            kind: self.cleaned_data.get(field) or Decimal(0)
            for kind, field in FUNDING_FIELDS.items()
        }


class StageForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("date"), widget=DATE)


class AddEstatesForm(forms.Form):
    estates = EstateChoiceField(label=_("estates to bundle"), queryset=Estate.objects.none())

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estates"].queryset = estates  # type: ignore[attr-defined]


class InvestmentForm(forms.Form):
    investment_yuan = money(_("investment to date (yuan)"))


class ItemForm(forms.ModelForm):
    class Meta:
        model = RenovationItem
        fields = ["estate", "tier", "name", "quantity", "unit", "note"]

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs["list"] = "item-names"
        self.fields["unit"].widget.attrs["list"] = "item-units"


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "estate",
            "kind",
            "topic",
            "held_on",
            "participants",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "result",
        ]
        widgets = {"held_on": DATE, "result": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]


class GovernanceForm(forms.ModelForm):
    members = forms.CharField(
        label=_("members"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = GovernanceBody
        fields = ["estate", "kind", "name", "formed_on"]
        widgets = {"formed_on": DATE}

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]
        self.fields["members"].help_text = _(
            "One per line: name, affiliation, title. Affiliation is one of: %(choices)s."
        ) % {"choices": "、".join(str(label) for label in GovernanceMember.Affiliation.labels)}

    def clean_members(self) -> list[tuple[str, str, str]]:
        by_label = {str(label): value for value, label in GovernanceMember.Affiliation.choices}
        by_label.update({value: value for value in GovernanceMember.Affiliation.values})
        members = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not parts[0]:
                continue
            affiliation = by_label.get(parts[1] if len(parts) > 1 else "")
            if affiliation is None:
                raise forms.ValidationError(
                    _("Line %(line)d: the affiliation must be one of %(choices)s.")
                    % {"line": number, "choices": "、".join(by_label)}
                )
            members.append((parts[0], affiliation, parts[2] if len(parts) > 2 else ""))
        return members


class PropertyAfterForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("estate"), queryset=Estate.objects.none())
    mode = forms.ChoiceField(
        label=_("property mode after renovation"), choices=Estate.PropertyMode.choices
    )
    company = forms.ModelChoiceField(
        label=_("property company"),
        required=False,
        queryset=Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY),
    )

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]


class PoolForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("estate"), queryset=Estate.objects.none())
    added_on = forms.DateField(label=_("entered the pool on"), widget=DATE)
    planned_year = forms.IntegerField(
        label=_("planned year"), required=False, min_value=1990, max_value=2100
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]
        self.fields["added_on"].initial = timezone.localdate()


class SurveyForm(forms.Form):
    surveyed_on = forms.DateField(label=_("surveyed on"), widget=DATE)
    surveyor = forms.CharField(label=_("surveyed by"), required=False, max_length=100)
    defects = forms.MultipleChoiceField(
        label=_("defects found"),
        choices=SurveyDefect.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("merged into estate"), queryset=Estate.objects.none())
    courtyards = forms.ModelMultipleChoiceField(
        label=_("courtyards"),
        queryset=Courtyard.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    method = forms.ChoiceField(label=_("method"), choices=CourtyardMerge.Method.choices)
    walls_removed = forms.IntegerField(label=_("walls removed"), min_value=0, initial=0)
    merged_on = forms.DateField(label=_("merged on"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = estates  # type: ignore[attr-defined]
        courtyards = Courtyard.objects.filter(estate__in=estates, renewal_merge__isnull=True)
        field: Any = self.fields["courtyards"]
        field.queryset = courtyards.select_related("estate").order_by("estate__name", "name")
        field.label_from_instance = lambda c: f"{c.estate.name} · {c.name}"


class FacilityForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("estate"), queryset=Estate.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=SmartFacility.Kind.choices)
    installed_on = forms.DateField(label=_("installed on"), widget=DATE)
    device_count = forms.IntegerField(label=_("number of devices"), min_value=1, initial=1)
    device_key = forms.SlugField(
        label=_("device key"),
        required=False,
        max_length=64,
        help_text=_("Leave empty to have one made up."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args: Any, estates: QuerySet[Estate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates  # type: ignore[attr-defined]


class AlleyForm(forms.ModelForm):
    class Meta:
        model = StreetProject
        fields = [
            "name",
            "district",
            "subdistrict",
            "cohort_year",
            "is_demonstration",
            "theme",
            "length_m",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, districts: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["subdistrict"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            parent__in=districts, level=Region.Level.SUBDISTRICT
        )
        self.fields["cohort_year"].initial = timezone.localdate().year

    def validate_unique(self) -> None:
        """The service checks uniqueness with a message of its own."""


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=_("ledger file (.xlsx)"))


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when there is one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
