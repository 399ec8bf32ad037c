from django.urls import path

from . import views_library as views

app_name = "library"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/<slug:kind>/", views.item_create, name="create"),
    path("from-action/<str:code>/", views.case_study_from_action, name="from_action"),
    path("<slug:slug>/", views.item_detail, name="detail"),
    path("<slug:slug>/edit/", views.item_edit, name="edit"),
    path("<slug:slug>/publish/", views.item_publish, name="publish"),
    path("<slug:slug>/withdraw/", views.item_withdraw, name="withdraw"),
    path("<slug:slug>/visibility/", views.item_visibility, name="visibility"),
    path("<slug:slug>/files/", views.file_upload, name="file_upload"),
    path("<slug:slug>/files/<int:file_id>/", views.file_download, name="file"),
    path("<slug:slug>/files/<int:file_id>/remove/", views.file_remove, name="file_remove"),
]
