"""Pages of the materials part of meetings (included by events/urls.py, namespace "events")."""

from django.urls import path

from . import views_materials as views

urlpatterns: list = [
    path("m/<int:pk>/", views.materials_download, name="materials_download"),
    path("m/<int:pk>/edit/", views.materials_edit, name="materials_edit"),
    path("m/<int:pk>/access/", views.materials_access, name="materials_access"),
    path("m/<int:pk>/delete/", views.materials_delete, name="materials_delete"),
    path("<slug:slug>/materials/new/", views.materials_upload, name="materials_upload"),
    path("<slug:slug>/access/", views.materials_meeting_access, name="materials_meeting_access"),
]
