from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pontis.core"
    label = "core"
    verbose_name = _("Core and reference data")

    def ready(self):
        from . import files, lookups, policies, registry  # noqa: F401  (policies: registers core's policies)
        from .home import notifications_panel, tasks_panel

        lookups.register()
        self._connect_reference_cache()
        files.connect_file_cleanup()
        registry.nav(_("Home"), "core:home", order=0, public=True)
        registry.nav(_("Access log"), "core:access_log", order=95)  # shown to whom the page's gate lets in
        registry.home_panel(tasks_panel, order=-10)  # "Awaiting me" leads, the news follows
        registry.home_panel(notifications_panel, order=0)

    def _connect_reference_cache(self):
        """Rendered option lists (core.forms.CachedSelect) are rebuilt when any reference data changes, including
        through the admin site and sync_reference_data. Cache bookkeeping, not domain logic: hence a signal."""
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from .forms import (
            bump_reference_version,
            reference_version_request_finished,
            reference_version_request_started,
        )
        from .models import Country, Language, ReferenceItem

        for model in self.get_models():
            if issubclass(model, (ReferenceItem, Country, Language)):
                post_save.connect(bump_reference_version, sender=model, dispatch_uid=f"reference-version-save-{model.__name__}")
                post_delete.connect(bump_reference_version, sender=model, dispatch_uid=f"reference-version-del-{model.__name__}")
        request_started.connect(reference_version_request_started, dispatch_uid="reference-version-request-started")
        request_finished.connect(reference_version_request_finished, dispatch_uid="reference-version-request-finished")
