"""Any other address under /api/v1/: a JSON 404 rather than the site's HTML page. Mounted
last, so it only catches what no route matched."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

router = Router(auth=None)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@router.api_operation(METHODS, "/{path:rest}", include_in_schema=False)
def unknown(request: HttpRequest, rest: str) -> None:
    raise Http404("No such API address")
