"""Routes of the annual part of the reports app (mounted under /reports/ by urls.py)."""

from django.urls import path

from . import views_annual

urlpatterns = [
    path("annual/", views_annual.annual_list, name="annual_list"),
    path("annual/new/", views_annual.annual_new, name="annual_new"),
    path("annual/<int:pk>/", views_annual.annual_job, name="annual_job"),
    path("annual/<int:pk>/progress/", views_annual.annual_progress, name="annual_progress"),
    path("annual/<int:pk>/cancel/", views_annual.annual_cancel, name="annual_cancel"),
    path("annual/<int:pk>/download/", views_annual.annual_download, name="annual_download"),
]
