"""API routes of the iati part of the reports app."""

from ninja import Router

router = Router(tags=["reports"])
