"""Open311 GeoReport v2 routes, mounted at /open311/v2/. Every resource ends in .xml or
.json; anything else under the prefix is an Open311 404."""

from django.urls import URLPattern, path, re_path, register_converter

from linli.api.open311 import views


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

app_name = "open311"

urlpatterns: list[URLPattern] = [
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", views.requests, name="requests"),
    path("requests/<str:request_id>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<o311fmt:fmt>", views.token, name="token"),
    re_path(r"^.*\.(?P<fmt>json)$", views.not_found),
    re_path(r"^.*$", views.not_found, {"fmt": "xml"}),
]
