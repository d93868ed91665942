"""Not written yet: each view answers 404 until its module is built."""

from django.http import Http404, HttpRequest, HttpResponse


def index(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def upload(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def template(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
