from django.urls import path

from linli.accounts import inbox_views, settings_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/send/", views.send_code, name="send_code"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", settings_views.me, name="me"),
    path("me/profile/", settings_views.profile_update, name="profile_update"),
    path("me/notifications/", settings_views.channels_update, name="channels_update"),
    path("me/wechat/unbind/", settings_views.wechat_unbind, name="wechat_unbind"),
    path("me/password/", settings_views.password_change, name="password_change"),
    path("access-log/", views.access_log, name="access_log"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox_views.notification_read, name="notification_read"),
    path("inbox/read-all/", inbox_views.notifications_read_all, name="notifications_read_all"),
]
