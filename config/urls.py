from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from linli.accounts.views import home, switch_language
from linli.api.api import api

urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("accounts/", include("linli.accounts.urls")),
    path("territory/", include("linli.territory.urls")),
    path("orders/", include("linli.workorders.urls")),
    path("renewal/", include("linli.renewal.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", include("linli.api.access.urls")),
    path("open311/v2/", include("linli.api.open311.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
