"""三合三并: courtyards merged into an estate (合小并大、合乱并整、合块并片), walls removed.
Courtyards are never deleted: they move to the estate they joined, and the merge keeps
where each came from and what it brought with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.territory.models import subtree_q


class CourtyardMerge(models.Model):
    class Method(models.TextChoices):
        SMALL_INTO_LARGE = "small_into_large", _("small into large (合小并大)")
        SCATTERED_INTO_WHOLE = "scattered_into_whole", _("scattered into whole (合乱并整)")
        BLOCKS_INTO_AREA = "blocks_into_area", _("blocks into area (合块并片)")

    target_estate = models.ForeignKey(
        "territory.Estate",
        on_delete=models.PROTECT,
        related_name="renewal_merges_in",
        verbose_name=_("merged into estate"),
    )
    method = models.CharField(_("method"), max_length=24, choices=Method.choices)
    walls_removed = models.PositiveIntegerField(_("walls removed"), default=0)
    merged_on = models.DateField(_("merged on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("courtyard merge")
        verbose_name_plural = _("courtyard merges")
        ordering = ["-merged_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_estate} {self.merged_on}"


class MergedCourtyardQuerySet(models.QuerySet["MergedCourtyard"]):
    def within_paths(self, paths: list[str]) -> MergedCourtyardQuerySet:
        return self.filter(subtree_q(paths, "merge__target_estate__grid__path"))


class MergedCourtyard(models.Model):
    merge = models.ForeignKey(
        CourtyardMerge, on_delete=models.CASCADE, related_name="courtyards", verbose_name=_("merge")
    )
    courtyard = models.OneToOneField(
        "territory.Courtyard",
        on_delete=models.PROTECT,
        related_name="renewal_merge",
        verbose_name=_("courtyard"),
    )
    from_estate = models.ForeignKey(
        "territory.Estate",
        on_delete=models.PROTECT,
        related_name="renewal_merges_out",
        verbose_name=_("from estate"),
    )
    households_moved = models.PositiveIntegerField(_("households moved"), default=0)
    floor_area_moved_m2 = models.DecimalField(
        _("floor area moved (m²)"), max_digits=12, decimal_places=2, default=0
    )
    buildings_moved = models.PositiveIntegerField(_("buildings moved"), default=0)

    objects = MergedCourtyardQuerySet.as_manager()

    class Meta:
        verbose_name = _("merged courtyard")
        verbose_name_plural = _("merged courtyards")
        ordering = ["merge", "pk"]

    def __str__(self) -> str:
        return f"{self.courtyard} ← {self.from_estate}"
