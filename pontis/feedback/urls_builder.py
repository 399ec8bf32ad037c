"""Pages of the builder part of feedback (included by feedback/urls.py, namespace "feedback"), for staff."""

from django.urls import path

from . import views_builder as views

urlpatterns: list = [
    path("", views.questionnaire_list, name="builder_list"),
    path("templates/", views.template_list, name="builder_templates"),
    path("questionnaires/new/", views.questionnaire_create, name="builder_create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="builder_detail"),
    path("questionnaires/<int:pk>/settings/", views.questionnaire_settings, name="builder_settings"),
    path("questionnaires/<int:pk>/preview/", views.questionnaire_preview, name="builder_preview"),
    path("questionnaires/<int:pk>/launch/", views.questionnaire_launch, name="builder_launch"),
    path("questionnaires/<int:pk>/close/", views.questionnaire_close, name="builder_close"),
    path("questionnaires/<int:pk>/reopen/", views.questionnaire_reopen, name="builder_reopen"),
    path("questionnaires/<int:pk>/versions/", views.questionnaire_versions, name="builder_versions"),
    path("questionnaires/<int:pk>/questions/new/", views.question_add, name="builder_question_add"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/", views.question_edit, name="builder_question"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/move/", views.question_move, name="builder_question_move"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/delete/", views.question_delete, name="builder_question_delete"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/choices/new/", views.choice_add, name="builder_choice_add"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/choices/<int:choice_id>/", views.choice_edit, name="builder_choice"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/choices/<int:choice_id>/move/", views.choice_move,
         name="builder_choice_move"),
    path("questionnaires/<int:pk>/questions/<int:question_id>/choices/<int:choice_id>/delete/", views.choice_delete,
         name="builder_choice_delete"),
]
