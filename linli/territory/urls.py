from django.urls import path

app_name = "territory"
urlpatterns: list = []  # views are added with the territory pages
