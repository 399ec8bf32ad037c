"""Routes of the iati part of the reports app (mounted under /reports/ by urls.py)."""

from django.urls import path

from . import views_iati as views

urlpatterns = [
    path("iati/", views.iati_page, name="iati"),
    path("iati/check/", views.iati_check, name="iati_check"),
]
