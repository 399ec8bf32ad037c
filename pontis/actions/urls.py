from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("process/", views.process, name="process"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("mine/", views.mine, name="mine"),
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("<str:code>/", views.action_detail, name="detail"),
    path("<str:code>/cancel/", views.action_cancel, name="cancel"),
    path("<str:code>/follow/", views.action_follow, name="follow"),
    path("<str:code>/goals/", views.action_goals, name="goals"),
    path("<str:code>/close/", views.action_close, name="close"),
    path("<str:code>/owner/", views.action_owner, name="owner"),
    path("<str:code>/follow-ups/<int:pk>/", views.follow_up_record, name="follow_up"),
    path("<str:code>/partners/add/", views.partner_add, name="partner_add"),
    path("<str:code>/partners/<int:pk>/", views.partner_change, name="partner_change"),
    path("<str:code>/partners/<int:pk>/remove/", views.partner_remove, name="partner_remove"),
    path("<str:code>/fiche/", views.fiche, name="fiche"),
    path("<str:code>/fiche/compare/", views.fiche_diff, name="fiche_diff"),
    path("<str:code>/fiche/v<int:number>.pdf", views.fiche_pdf, name="fiche_pdf"),
    path("<str:code>/activities/new/", views.activity_create, name="activity_create"),
    path("<str:code>/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("<str:code>/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<str:code>/activities/<int:pk>/documents/", views.activity_document_upload, name="activity_document_upload"),
    path("<str:code>/activities/<int:pk>/documents/<int:doc_pk>/", views.activity_document, name="activity_document"),
    path("<str:code>/activities/<int:pk>/<str:step>/", views.activity_move, name="activity_move"),
    path("<str:code>/deliverables/new/", views.deliverable_create, name="deliverable_create"),
    path("<str:code>/deliverables/<int:pk>/", views.deliverable_detail, name="deliverable"),
    path("<str:code>/deliverables/<int:pk>/status/", views.deliverable_move, name="deliverable_move"),
    path("<str:code>/deliverables/<int:pk>/files/", views.deliverable_upload, name="deliverable_upload"),
    path("<str:code>/deliverables/<int:pk>/files/<int:file_pk>/", views.deliverable_file, name="deliverable_file"),
]
