"""Territory: the region tree (city → district → subdistrict → community → grid),
estates with their courtyards and buildings, dwellings and the people living in them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.lib.idcard import validate_id_number
from linli.lib.phone import validate_mobile
from linli.territory.lookups import Subtree

models.CharField.register_lookup(Subtree)


def subtree_q(paths: Iterable[str], *lookups: str) -> Q:
    """Rows whose region path, reached through any of `lookups` (e.g. "grid__path"), lies in
    the subtree of any of `paths`. No paths → no rows. The one place that knows how a
    subtree is matched, for every queryset scoped by role × region: a prefix match that
    uses the path's index on each database (see linli.territory.lookups)."""
    q = Q(pk__in=[])
    for path in paths:
        for lookup in lookups:
            q |= Q(**{f"{lookup}__subtree": path})
    return q


class RegionQuerySet(models.QuerySet["Region"]):
    def grids(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.GRID)

    def divisions(self) -> RegionQuerySet:
        return self.exclude(level=Region.Level.GRID)

    def within(self, region: Region) -> RegionQuerySet:
        """The region itself and everything below it."""
        return self.filter(subtree_q([region.path], "path"))

    def within_any(self, paths: list[str]) -> RegionQuerySet:
        return self.filter(subtree_q(paths, "path"))


class Region(models.Model):
    """One node of the territory tree. Divisions carry real 12-digit statistical codes
    (padded: 410600000000 for 鹤壁市); grids carry the deployment's own grid codes."""

    class Level(models.IntegerChoices):
        CITY = 1, _("city")
        DISTRICT = 2, _("district / county")
        SUBDISTRICT = 3, _("subdistrict / township")
        COMMUNITY = 4, _("community / village")
        GRID = 5, _("grid")

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        COUNTY = "county", _("county")
        SUBDISTRICT = "subdistrict", _("subdistrict")
        TOWN = "town", _("town")
        TOWNSHIP = "township", _("township")
        COMMUNITY = "community", _("community")
        VILLAGE = "village", _("village")
        GENERAL_GRID = "general", _("general grid")
        DEDICATED_GRID = "dedicated", _("dedicated grid")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Materialised path of ids, "/1/7/42/": subtree queries are one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    centroid_lng = models.FloatField(null=True, blank=True, editable=False)
    centroid_lat = models.FloatField(null=True, blank=True, editable=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.level == Region.Level.GRID

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)


class TerritoryVersion(models.Model):
    """A single row whose counter goes up whenever grid geometry changes, so that every
    process knows when to rebuild its in-memory point index."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"territory version {self.version}"


class Estate(models.Model):
    """小区: a residential estate inside a grid."""

    class PropertyMode(models.TextChoices):
        PROFESSIONAL = "professional", _("professional property company")
        RED = "red", _("party-led property service (红色物业)")
        SELF_MANAGED = "self_managed", _("self-managed by residents")
        NONE = "none", _("no property management")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    grid = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("grid"),
        limit_choices_to={"level": Region.Level.GRID},
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    build_year = models.PositiveSmallIntegerField(_("build year"), null=True, blank=True)
    building_count = models.PositiveIntegerField(_("buildings"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    property_mode = models.CharField(
        _("property mode"), max_length=16, choices=PropertyMode.choices, default=PropertyMode.NONE
    )
    property_company = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_estates",
        verbose_name=_("property company"),
    )
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Courtyard(models.Model):
    """楼院 / 家属院: a courtyard inside an estate (kept after merges as history)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="courtyards", verbose_name=_("estate")
    )
    name = models.CharField(_("name"), max_length=100)
    build_year = models.PositiveSmallIntegerField(_("build year"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)

    class Meta:
        verbose_name = _("courtyard")
        verbose_name_plural = _("courtyards")
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="courtyard_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("estate")
    )
    courtyard = models.ForeignKey(
        Courtyard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("courtyard"),
    )
    number = models.CharField(_("building number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    units = models.PositiveSmallIntegerField(_("entrance units"), default=1)
    households = models.PositiveIntegerField(_("households"), default=0)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.number}"


class Dwelling(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="dwellings", verbose_name=_("building")
    )
    unit = models.CharField(_("entrance unit"), max_length=10, blank=True)
    number = models.CharField(_("room number"), max_length=20)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_rental = models.BooleanField(_("rental"), default=False)

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "number"], name="dwelling_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.unit}-{self.number}"


class ResidentQuerySet(models.QuerySet["Resident"]):
    def in_region_paths(self, paths: list[str]) -> ResidentQuerySet:
        return self.filter(subtree_q(paths, "grid__path"))


class Resident(models.Model):
    """实有人口: a person living in a grid. Phone and ID number are sensitive (PIPL)."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Residency(models.TextChoices):
        REGISTERED = "registered", _("registered (户籍)")
        MIGRANT = "migrant", _("migrant (流动)")

    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_mobile])
    residency = models.CharField(
        _("residency"), max_length=12, choices=Residency.choices, default=Residency.REGISTERED
    )
    grid = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("grid"),
        limit_choices_to={"level": Region.Level.GRID},
    )
    dwelling = models.ForeignKey(
        Dwelling,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("dwelling"),
    )
    relation_to_head = models.CharField(_("relation to household head"), max_length=20, blank=True)
    special_group = models.CharField(_("special group"), max_length=40, blank=True)
    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_record",
        verbose_name=_("account"),
    )

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["grid", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="resident_unique_id_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name
