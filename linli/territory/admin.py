from django.contrib import admin

from linli.territory.models import Building, Courtyard, Dwelling, Estate, Region, Resident


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "households", "population"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


class CourtyardInline(admin.TabularInline):
    model = Courtyard
    extra = 0


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grid", "build_year", "households", "property_mode"]
    list_filter = ["property_mode"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["grid", "property_company"]
    inlines = [CourtyardInline]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["estate", "number", "floors", "units", "households"]
    search_fields = ["estate__name", "number"]
    raw_id_fields = ["estate", "courtyard"]


@admin.register(Dwelling)
class DwellingAdmin(admin.ModelAdmin):
    list_display = ["building", "unit", "number", "is_rental"]
    raw_id_fields = ["building"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    # Sensitive fields are left out of the admin list; see the territory pages for masked views.
    list_display = ["name", "grid", "residency"]
    list_filter = ["residency"]
    search_fields = ["name"]
    raw_id_fields = ["grid", "dwelling", "user"]
