from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pontis.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the policies)
        from .figures import definitions  # noqa: F401  (registers every figure)
        from .wiring import dashboard

        # One navigation entry ("Figures") for the whole of reporting: the dashboard links to the annual reports
        # and the IATI check.
        dashboard.register()
