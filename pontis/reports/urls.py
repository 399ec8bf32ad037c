from django.urls import include, path

from . import urls_annual, urls_dashboard, urls_iati

app_name = "reports"

urlpatterns = [
    path("", include(urls_dashboard)),
    path("", include(urls_annual)),
    path("", include(urls_iati)),
]
