from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pontis.core"
    label = "core"
    verbose_name = _("Core and reference data")

    def ready(self):
        from . import files, lookups, registry
        from .home import notifications_panel
        from .roles import Role

        lookups.register()
        files.connect_file_cleanup()
        registry.nav(_("Home"), "core:home", order=0, public=True)
        registry.nav(_("Access log"), "core:access_log", order=95, roles=(Role.ADMIN, Role.OFFICER))
        registry.home_panel(notifications_panel, order=0)
