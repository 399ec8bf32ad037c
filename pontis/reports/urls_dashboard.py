"""Routes of the dashboard part of the reports app (mounted under /reports/ by urls.py)."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<str:figure_id>/<slug:fmt>/", views.table_export, name="dashboard_table_export"),
    path("exports/", views.export_request, name="dashboard_export"),
    path("exports/<int:pk>/", views.export_job, name="dashboard_export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="dashboard_export_download"),
]
