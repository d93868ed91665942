from django.urls import path

from linli.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/send/", views.send_code, name="send_code"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.me, name="me"),
    path("access-log/", views.access_log, name="access_log"),
]
