"""JSON API for renovation, mounted at /api/v1/renewal/."""

from ninja import Router

router = Router(tags=["renewal"])
