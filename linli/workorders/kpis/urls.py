"""KPI routes, included under /orders/kpis/ in the workorders namespace."""

from django.urls import URLPattern, path

from linli.workorders.views import kpis

urlpatterns: list[URLPattern] = [
    path("", kpis.home, name="kpis"),
    path("r/<str:code>/", kpis.region, name="kpis_region"),
    path("r/<str:code>/monthly/", kpis.report, name="kpis_report"),
    path("units/<int:pk>/", kpis.unit, name="kpis_unit"),
    path("people/<int:pk>/", kpis.person, name="kpis_person"),
]
