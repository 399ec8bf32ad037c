from django.urls import path

from . import views_thesaurus as views

app_name = "thesaurus"

urlpatterns = [
    path("", views.concept_list, name="list"),
    path("<slug:code>/", views.concept_detail, name="detail"),
    path("<slug:code>/labels/", views.label_add, name="label_add"),
    path("<slug:code>/labels/<int:pk>/remove/", views.label_remove, name="label_remove"),
]
