from django.urls import include, path

from . import urls_agenda, urls_materials, urls_minutes, urls_registration, views

app_name = "events"

# The sub-topics' pages come first: their paths start with a fixed word ("new/", "m/", "calendar/"...) or with
# "<slug>/<word>/", and the meeting's own page "<slug>/" comes last.
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("", include(urls_agenda)),
    path("", include(urls_materials)),
    path("", include(urls_registration)),
    path("", include(urls_minutes)),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
]
