"""Renovation projects (改造项目): several estates bundled (打捆) into one project with an
annual batch, a budget and its funding sources, and a stage; each estate in the project has
its own stage and dates, items by tier, residents' consultation and governance bodies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.territory.models import Estate, subtree_q


class Stage(models.TextChoices):
    """The life of a renovation, for a project and for each of its estates. The allowed
    moves between stages live in services/stages.py."""

    # A context of their own: "accepted" means something else for a work order.
    SURVEYED = "surveyed", pgettext_lazy("renovation stage", "surveyed")
    PLANNED = "planned", pgettext_lazy("renovation stage", "planned")
    STARTED = "started", pgettext_lazy("renovation stage", "started")
    COMPLETED = "completed", pgettext_lazy("renovation stage", "completed")
    ACCEPTED = "accepted", pgettext_lazy("renovation stage", "accepted")


STAGE_ORDER: dict[str, int] = {stage.value: n for n, stage in enumerate(Stage)}
STAGE_DATE_FIELDS: dict[str, str] = {
    Stage.SURVEYED: "surveyed_on",
    Stage.PLANNED: "planned_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.ACCEPTED: "accepted_on",
}
STARTED_STAGES = (Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)
COMPLETED_STAGES = (Stage.COMPLETED, Stage.ACCEPTED)


def _stage_date_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Dates must follow each other: nothing completes before it starts, nothing is accepted
    before it is completed. The database holds the line even if a service is bypassed."""
    return [
        models.CheckConstraint(
            condition=Q(completed_on__isnull=True)
            | Q(started_on__isnull=False, completed_on__gte=F("started_on")),
            name=f"{prefix}_completed_after_started",
        ),
        models.CheckConstraint(
            condition=Q(accepted_on__isnull=True)
            | Q(completed_on__isnull=False, accepted_on__gte=F("completed_on")),
            name=f"{prefix}_accepted_after_completed",
        ),
    ]


class StageDates(models.Model):
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.SURVEYED, db_index=True
    )
    surveyed_on = models.DateField(_("surveyed on"), null=True, blank=True)
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def stage_rank(self) -> int:
        return STAGE_ORDER[self.stage]

    def stage_date(self, stage: str) -> object:
        return getattr(self, STAGE_DATE_FIELDS[stage])


class RenovationProjectQuerySet(models.QuerySet["RenovationProject"]):
    def within_paths(self, paths: list[str]) -> RenovationProjectQuerySet:
        """Projects owned by a district inside the paths, or touching an estate inside them."""
        q = subtree_q(paths, "district__path", "estates__estate__grid__path")
        return self.filter(pk__in=RenovationProject.objects.filter(q).values("pk"))


class RenovationProject(StageDates):
    code = models.CharField(_("project number"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=120)
    district = models.ForeignKey(
        "territory.Region",
        on_delete=models.PROTECT,
        related_name="renovation_projects",
        verbose_name=_("district or county"),
    )
    batch_year = models.PositiveSmallIntegerField(_("annual batch"))
    budget_yuan = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    investment_yuan = models.DecimalField(
        _("investment to date (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RenovationProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("renovation project")
        verbose_name_plural = _("renovation projects")
        ordering = ["-batch_year", "code"]
        constraints = [
            *_stage_date_constraints("renewal_project"),
            models.CheckConstraint(
                condition=Q(budget_yuan__gte=0) & Q(investment_yuan__gte=0),
                name="renewal_project_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def _project_link(related_name: str) -> models.ForeignKey[RenovationProject, RenovationProject]:
    """The project a record belongs to; it goes with the project."""
    return models.ForeignKey(
        RenovationProject,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=_("project"),
    )


def _estate_link(related_name: str) -> models.ForeignKey[Estate | None, Estate | None]:
    """The estate of the project a part concerns; empty when it concerns the whole project."""
    return models.ForeignKey(
        "territory.Estate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("estate"),
    )


class FundingSource(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("central subsidy")
        LOCAL = "local", _("local budget")
        RESIDENTS = "residents", _("residents' contribution")
        UTILITIES = "utilities", _("utility companies")
        SOCIAL = "social", _("social capital")

    project = _project_link("funding")
    kind = models.CharField(_("source"), max_length=10, choices=Kind.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="renewal_funding_once"),
            models.CheckConstraint(
                condition=Q(amount_yuan__gte=0), name="renewal_funding_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_yuan}"


class ProjectEstateQuerySet(models.QuerySet["ProjectEstate"]):
    def started(self) -> ProjectEstateQuerySet:
        return self.filter(stage__in=STARTED_STAGES)

    def completed(self) -> ProjectEstateQuerySet:
        return self.filter(stage__in=COMPLETED_STAGES)

    def within_paths(self, paths: list[str]) -> ProjectEstateQuerySet:
        return self.filter(subtree_q(paths, "estate__grid__path"))


class ProjectEstate(StageDates):
    """One estate's part in a project; an estate belongs to one project at a time.
    Its floor area and households are read from the estate record, never copied."""

    project = _project_link("estates")
    estate = models.OneToOneField(
        "territory.Estate",
        on_delete=models.PROTECT,
        related_name="renewal_participation",
        verbose_name=_("estate"),
    )
    property_mode_after = models.CharField(
        _("property mode after renovation"),
        max_length=16,
        choices=Estate.PropertyMode.choices,
        blank=True,
    )
    property_company_after = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("property company after renovation"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ProjectEstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("estate in a project")
        verbose_name_plural = _("estates in projects")
        ordering = ["project", "estate__code"]
        constraints = _stage_date_constraints("renewal_project_estate")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.estate}"


class RenovationItem(models.Model):
    class Tier(models.TextChoices):
        BASIC = "basic", _("basic (基础类)")
        IMPROVE = "improve", _("improvement (完善类)")
        UPGRADE = "upgrade", _("upgrade (提升类)")

    project = _project_link("items")
    estate = _estate_link("renewal_items")
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    name = models.CharField(_("item"), max_length=60)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("renovation item")
        verbose_name_plural = _("renovation items")
        ordering = ["project", "tier", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="renewal_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity.normalize():f} {self.unit}"


class Consultation(models.Model):
    """Residents decide 改不改、改什么、怎么改、改后怎么管: a meeting or a vote."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("residents' meeting")
        VOTE = "vote", _("vote")
        SURVEY = "survey", _("opinion survey")

    class Topic(models.TextChoices):
        WHETHER = "whether", _("whether to renovate")
        WHAT = "what", _("what to renovate")
        HOW = "how", _("how to renovate")
        MANAGEMENT = "management", _("how to manage afterwards")

    project = _project_link("consultations")
    estate = _estate_link("renewal_consultations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    votes_for = models.PositiveIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def votes_cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def passed(self) -> bool | None:
        """A vote passes with more than half of the votes cast in favour."""
        if self.kind != self.Kind.VOTE or not self.votes_cast:
            return None
        return self.votes_for * 2 > self.votes_cast


class GovernanceBody(models.Model):
    class Kind(models.TextChoices):
        COMMAND_GROUP = "command_group", _("renovation command group")
        PARTY_BRANCH = "party_branch", _("temporary party branch")
        RESIDENTS_COUNCIL = "council", _("residents' council")

    project = _project_link("governance_bodies")
    estate = _estate_link("renewal_governance_bodies")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name of the body"), max_length=100)
    formed_on = models.DateField(_("formed on"))

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ["project", "kind", "pk"]

    def __str__(self) -> str:
        return self.name


class GovernanceMember(models.Model):
    class Affiliation(models.TextChoices):
        STREET = "street", _("subdistrict office")
        COMMUNITY = "community", _("community")
        PROPERTY = "property", _("property company")
        RESIDENT = "resident", _("resident representative")
        PARTY_MEMBER = "party_member", _("party member")

    body = models.ForeignKey(
        GovernanceBody, on_delete=models.CASCADE, related_name="members", verbose_name=_("body")
    )
    name = models.CharField(_("name"), max_length=50)
    affiliation = models.CharField(_("affiliation"), max_length=12, choices=Affiliation.choices)
    title = models.CharField(_("title"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["body", "pk"]

    def __str__(self) -> str:
        return self.name
