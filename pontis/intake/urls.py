from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("autosave/", views.request_autosave, name="autosave_new"),
    path("topics/", views.topics_for_themes, name="topics"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/autosave/", views.request_autosave, name="autosave"),
    path("<int:pk>/check/", views.request_check, name="check"),
    path("<int:pk>/submit/", views.request_submit, name="submit"),
    path("<int:pk>/delete/", views.request_draft_delete, name="delete_draft"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<int:pk>/answer/", views.request_answer, name="answer"),
    path("<int:pk>/ask-info/", views.request_ask_info, name="ask_info"),
    path("<int:pk>/forward/", views.request_forward, name="forward"),
    path("<int:pk>/reject/", views.request_reject, name="reject"),
    path("<int:pk>/defer/", views.request_defer, name="defer"),
    path("<int:pk>/note/", views.request_note, name="note"),
    path("<int:pk>/follow/", views.request_follow, name="follow"),
    path("<int:pk>/owner/", views.request_owner, name="owner"),
    path("<int:pk>/endorsement/", views.endorsement_download, name="endorsement"),
    path("<int:pk>/consult-delegation/", views.delegation_consult, name="consult"),
    path("opinions/<int:pk>/", views.delegation_opinion, name="opinion"),
]
