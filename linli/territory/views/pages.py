"""Not written yet: each view answers 404 until its module is built."""

from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def my_grids(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def region_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def region_residents(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def region_estates(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def estate_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def reveal_resident_field(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
