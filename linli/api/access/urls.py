from django.urls import path

from linli.api.access import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
