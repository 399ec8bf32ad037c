from django.urls import path

from . import views_similar as views

app_name = "similar"

# <kind> is "request", "action" or "practice" (a library item); anything else answers 404.
urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.panel, name="panel"),
    path("<slug:kind>/<int:pk>/pin/", views.pin, name="pin"),
    path("<slug:kind>/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<slug:kind>/<int:pk>/reset/", views.reset, name="reset"),
]
