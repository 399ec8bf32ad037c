"""Routes of the iati part of the reports app (mounted under /reports/ by urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
