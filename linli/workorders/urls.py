"""Work-order routes. The pages are added by the work-order pages; the engine has none."""

from django.urls import URLPattern, URLResolver

app_name = "workorders"

urlpatterns: list[URLPattern | URLResolver] = []
