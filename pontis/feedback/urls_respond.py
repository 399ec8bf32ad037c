"""Pages of the distribution part of feedback (included by feedback/urls.py, namespace "feedback"): the
respondents' links (no account) and the staff pages that send a questionnaire and read its responses."""

from django.urls import path

from . import views_distribution, views_respond

urlpatterns: list = [
    path("r/<str:token>/", views_respond.respond_link, name="respond_link"),
    path("r/<str:token>/thanks/", views_respond.respond_link_done, name="respond_link_done"),
    path("a/<str:open_key>/", views_respond.respond_open, name="respond_open"),
    path("a/<str:open_key>/thanks/", views_respond.respond_open_done, name="respond_open_done"),
    path("questionnaires/<int:pk>/sending/", views_distribution.distribution, name="distribution"),
    path("questionnaires/<int:pk>/sending/invite/", views_distribution.invite, name="distribution_invite"),
    path("questionnaires/<int:pk>/sending/remind/", views_distribution.remind, name="distribution_remind"),
    path("questionnaires/<int:pk>/qr/", views_distribution.qr, name="distribution_qr"),
    path("questionnaires/<int:pk>/qr/print/", views_distribution.qr_print, name="distribution_qr_print"),
    path("questionnaires/<int:pk>/qr/make/", views_distribution.qr_make, name="distribution_qr_make"),
    path("questionnaires/<int:pk>/responses/", views_distribution.responses, name="distribution_responses"),
    path("questionnaires/<int:pk>/responses/export.<str:fmt>", views_distribution.responses_export,
         name="distribution_export"),
]
