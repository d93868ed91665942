from django.urls import path

from linli.territory.views import imports, lookup, pages

app_name = "territory"
urlpatterns = [
    # Browsing (pages.py)
    path("", pages.overview, name="overview"),
    path("my-grids/", pages.my_grids, name="my_grids"),
    path("r/<str:code>/", pages.region_detail, name="region"),
    path("r/<str:code>/residents/", pages.region_residents, name="residents"),
    path("r/<str:code>/estates/", pages.region_estates, name="estates"),
    path("estates/<str:code>/", pages.estate_detail, name="estate"),
    path("residents/<int:pk>/reveal/<str:field>/", pages.reveal_resident_field, name="reveal"),
    path("home/", pages.resident_home, name="resident_home"),
    path("staff/<int:pk>/phone/", pages.reveal_staff_phone, name="reveal_staff_phone"),
    # Map data and point lookup (lookup.py)
    path("r/<str:code>/map.geojson", lookup.region_map, name="region_map"),
    path("lookup/", lookup.resolve, name="lookup"),
    # Imports (imports.py)
    path("imports/", imports.index, name="imports"),
    path("imports/<str:kind>/", imports.upload, name="import_upload"),
    path("imports/<str:kind>/template.<str:fmt>", imports.template, name="import_template"),
]
