from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pontis.core"
    label = "core"
    verbose_name = _("Core and reference data")

    def ready(self):
        from . import demo, lookups, registry
        from .home import notifications_panel

        lookups.register()
        registry.nav(_("Home"), "core:home", order=0, public=True)
        registry.home_panel(notifications_panel, order=0)
        registry.demo_loader("foundation", demo.load_foundation, order=10)
