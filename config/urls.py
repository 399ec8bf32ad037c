from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.api import api
from pontis.core import views as core_views
from pontis.knowledge import views_portal as portal_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Pontis administration")
admin.site.site_title = _("Pontis administration")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("sitemap.xml", portal_views.sitemap_xml, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("people/", include("pontis.accounts.urls")),
    path("requests/", include("pontis.intake.urls")),
    path("actions/", include("pontis.actions.urls")),
    path("experts/", include("pontis.experts.urls")),
    path("events/", include("pontis.events.urls")),
    path("panels/", include("pontis.events.urls_panels")),
    path("feedback/", include("pontis.feedback.urls")),
    path("library/", include("pontis.knowledge.urls_library")),
    path("thesaurus/", include("pontis.knowledge.urls_thesaurus")),
    path("search/", include("pontis.knowledge.urls_search")),
    path("similar/", include("pontis.knowledge.urls_similar")),
    path("portal/", include("pontis.knowledge.urls_portal")),
    path("reports/", include("pontis.reports.urls")),
    path("", include("pontis.core.urls")),
]

if settings.PONTIS_BENCH_FLOOR:  # the load benchmark's reference page (bench/load/run.py), off by default
    from pontis.devtools.views import floor

    urlpatterns.insert(0, path("_floor", floor, name="bench_floor"))

handler400 = "pontis.core.views.error_400"
handler403 = "pontis.core.views.error_403"
handler404 = "pontis.core.views.error_404"
handler500 = "pontis.core.views.error_500"
