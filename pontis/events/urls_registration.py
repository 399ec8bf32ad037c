"""Pages of the registration part of meetings (included by events/urls.py, namespace "events").

Fixed first words ("invitation/", "r/", "calendar/") come before the "<slug>/..." paths."""

from django.urls import path

from . import views_calendar
from . import views_registration as views

urlpatterns = [
    path("invitation/<str:token>/", views.register_invited, name="registration_invitation"),
    path("r/<str:token>/", views.own, name="registration_own"),
    path("r/<str:token>/withdraw/", views.withdraw, name="registration_withdraw"),
    path("r/<str:token>/check-in/<str:key>/", views.self_check_in, name="registration_self_check_in"),
    path("calendar/", views_calendar.feeds, name="calendar_feeds"),
    path("calendar/<int:pk>/revoke/", views_calendar.feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", views_calendar.feed_ics, name="calendar_feed"),
    path("<slug:slug>/calendar.ics", views_calendar.meeting_ics, name="calendar_meeting"),
    path("<slug:slug>/register/", views.register, name="registration_register"),
    path("<slug:slug>/check-in/<str:key>/", views.check_in_start, name="registration_check_in_start"),
    path("<slug:slug>/registrations/", views.manage, name="registration_manage"),
    path("<slug:slug>/registrations/decide/", views.decide_many, name="registration_decide_many"),
    path("<slug:slug>/registrations/invite/", views.invite, name="registration_invite"),
    path("<slug:slug>/registrations/places/", views.capacity, name="registration_capacity"),
    path("<slug:slug>/registrations/export.<str:fmt>", views.export, name="registration_export"),
    path("<slug:slug>/registrations/<int:pk>/decide/", views.decide, name="registration_decide"),
    path("<slug:slug>/attendance/<str:day>/", views.attendance, name="registration_attendance"),
    path("<slug:slug>/attendance/<str:day>/mark/", views.attendance_mark, name="registration_attendance_mark"),
    path("<slug:slug>/attendance/<str:day>/undo/<int:pk>/", views.attendance_undo,
         name="registration_attendance_undo"),
    path("<slug:slug>/attendance/<str:day>/screen/", views.screen, name="registration_screen"),
]
