from django.urls import path

from . import views_search

app_name = "search"

urlpatterns = [
    path("", views_search.search_page, name="search"),
    path("suggest", views_search.search_suggest, name="suggest"),
]
