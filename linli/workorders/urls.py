"""Work-order routes. The pages are added by the work-order pages; the engine has none."""

from django.urls import URLPattern, URLResolver, include, path

from linli.workorders.views import dispatch, orders, queue, resident, responder, supervise
from linli.workorders.views import files as order_files

app_name = "workorders"

urlpatterns: list[URLPattern | URLResolver] = [
    # Residents (views/resident.py)
    path("new/", resident.new_order, name="new"),
    path("new/nearby/", resident.nearby, name="nearby"),
    path("mine/", resident.my_orders, name="my_orders"),
    path("<int:pk>/support/", resident.support, name="support"),
    # Responders (views/responder.py)
    path("tasks/", responder.tasks, name="tasks"),
    path("claimable/", responder.claimable, name="claimable"),
    # Every role: the order page and its one action endpoint (views/orders.py)
    path("<int:pk>/", orders.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", orders.act, name="act"),
    # Grid workers (views/queue.py), dispatching (views/dispatch.py), the dispatch desk and
    # approvals (views/supervise.py)
    path("worker/", queue.worker, name="worker_queue"),
    path("worker/patrol/", queue.patrol, name="patrol"),
    path("<int:pk>/dispatch/", dispatch.dispatch, name="dispatch"),
    path("desk/", supervise.desk, name="desk"),
    path("desk/approvals/", supervise.approvals, name="approvals"),
    path("<int:pk>/extension/approve/", supervise.approve_extension, name="approve_extension"),
    # Leaders' KPI pages and the monthly report (views/kpis.py)
    path("kpis/", include("linli.workorders.kpis.urls")),
    # Order files: exports and the hotline sheet import (views/files.py)
    path("files/", order_files.index, name="files"),
    path("files/orders.<str:fmt>", order_files.export_orders, name="export_orders"),
    path("files/kpis.<str:fmt>", order_files.export_kpis, name="export_kpis"),
    path("files/hotline-template.xlsx", order_files.import_template, name="import_template"),
    path("files/import/", order_files.import_orders, name="import_orders"),
]
