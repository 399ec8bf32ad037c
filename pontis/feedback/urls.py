from django.urls import include, path

from . import urls_builder, urls_indicators, urls_respond

app_name = "feedback"

urlpatterns = [
    path("", include(urls_builder)),
    path("", include(urls_respond)),
    path("", include(urls_indicators)),
]
