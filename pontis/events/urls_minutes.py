"""Pages of the minutes part of meetings (included by events/urls.py, namespace "events")."""

from django.urls import path

from . import views_minutes as views

urlpatterns: list = [
    path("<slug:slug>/minutes/", views.minutes_page, name="minutes"),
    path("<slug:slug>/minutes/save/", views.minutes_save, name="minutes_save"),
    path("<slug:slug>/minutes/open/", views.minutes_open, name="minutes_open"),
    path("<slug:slug>/minutes/publish/", views.minutes_publish, name="minutes_publish"),
    path("<slug:slug>/minutes/comments/", views.minutes_comment, name="minutes_comment"),
    path("<slug:slug>/report/", views.meeting_report, name="minutes_report"),
]
