from django.urls import path

from linli.renewal.views import alleys, dashboard, facilities, ledger, merges, parts, pool, projects

app_name = "renewal"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Pool and estates
    path("pool/", pool.pool, name="pool"),
    path("estates/<str:code>/", pool.estate_page, name="estate"),
    path("estates/<str:code>/surveys/", pool.survey_add, name="survey_add"),
    # Projects
    path("projects/", projects.project_list, name="projects"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<str:code>/", projects.project_detail, name="project"),
    path("projects/<str:code>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<str:code>/stage/", projects.project_advance, name="project_advance"),
    path("projects/<str:code>/estates/", projects.project_add_estates, name="project_add_estates"),
    path(
        "projects/<str:code>/estates/<int:pk>/stage/",
        projects.estate_advance,
        name="estate_advance",
    ),
    path(
        "projects/<str:code>/estates/<int:pk>/remove/",
        projects.project_remove_estate,
        name="project_remove_estate",
    ),
    path("projects/<str:code>/investment/", projects.project_investment, name="project_investment"),
    path("projects/<str:code>/items/", parts.item_add, name="item_add"),
    path("projects/<str:code>/items/<int:pk>/remove/", parts.item_remove, name="item_remove"),
    path("projects/<str:code>/consultations/", parts.consultation_add, name="consultation_add"),
    path("projects/<str:code>/governance/", parts.governance_add, name="governance_add"),
    path("projects/<str:code>/property/", parts.property_after, name="property_after"),
    # Merges and facilities
    path("merges/", merges.merge_list, name="merges"),
    path("merges/new/", merges.merge_create, name="merge_create"),
    path("facilities/", facilities.facility_list, name="facilities"),
    path("facilities/new/", facilities.facility_create, name="facility_create"),
    path("facilities/<slug:key>/", facilities.facility_detail, name="facility"),
    path("facilities/<slug:key>/secret/", facilities.facility_rotate, name="facility_rotate"),
    # Back alleys
    path("alleys/", alleys.alley_list, name="alleys"),
    path("alleys/new/", alleys.alley_form, name="alley_create"),
    path("alleys/<int:pk>/", alleys.alley_detail, name="alley"),
    path("alleys/<int:pk>/edit/", alleys.alley_form, name="alley_edit"),
    path("alleys/<int:pk>/stage/", alleys.alley_advance, name="alley_advance"),
    path("alleys/<int:pk>/orders/", alleys.alley_link_order, name="alley_link_order"),
    # Ledger
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/template.xlsx", ledger.ledger_template_download, name="ledger_template"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
]
