"""Not written yet: each view answers 404 until its module is built."""

from django.http import Http404, HttpRequest, HttpResponse


def region_map(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def resolve(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
