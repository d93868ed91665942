from django.urls import path

from linli.accounts import inbox_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/send/", views.send_code, name="send_code"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.me, name="me"),
    path("access-log/", views.access_log, name="access_log"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox_views.notification_read, name="notification_read"),
    path("inbox/read-all/", inbox_views.notifications_read_all, name="notifications_read_all"),
]
