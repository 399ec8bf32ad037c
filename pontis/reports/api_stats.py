"""API routes of the stats part of the reports app."""

from ninja import Router

router = Router(tags=["reports"])
