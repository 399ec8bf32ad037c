from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.<str:fmt>", views.export, name="export"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/", views.me, name="me"),
    path("me/edit/", views.edit, name="me_edit"),
    path("me/unavailability/", views.unavailability_add, name="unavailability_add"),
    path("me/unavailability/<int:pk>/remove/", views.unavailability_remove, name="unavailability_remove"),
    path("me/reconfirm/", views.reconfirm, name="reconfirm"),
    path("me/data.json", views.my_data, name="my_data"),
    path("me/erasure/", views.erasure, name="erasure"),
    path("me/activities/<int:activity_id>/criteria/", views.activity_criteria, name="criteria"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("invitations/answer/<str:token>/", views.invitation_answer, name="invitation_answer"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:activity_id>/", views.activity_experts, name="activity_experts"),
    path("activities/<int:activity_id>/invite/", views.invite, name="invite"),
    path("activities/<int:activity_id>/shortlist/", views.shortlist, name="shortlist"),
    path("deployments/<int:pk>/status/", views.deployment_transition, name="deployment_transition"),
    path("deployments/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("deployments/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("<int:pk>/cv/", views.cv_download, name="cv"),
]
