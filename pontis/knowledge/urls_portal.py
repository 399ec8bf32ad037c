from django.urls import path

from . import views_map, views_portal

app_name = "portal"

urlpatterns = [
    path("map/", views_map.work_map, name="map"),
    path("", views_portal.home, name="home"),
    path("actions/", views_portal.action_list, name="actions"),
    path("actions/<slug:slug>/", views_portal.action_detail, name="action"),
    path("manage/<str:code>/", views_portal.publication_edit, name="manage"),
    path("manage/<str:code>/publish/", views_portal.publication_publish, name="publish"),
    path("manage/<str:code>/withdraw/", views_portal.publication_unpublish, name="unpublish"),
]
