from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "pontis.events"
    label = "events"
    verbose_name = _("Meetings and events")

    def ready(self):
        from pontis.core import registry

        from . import permissions  # noqa: F401  (registers the policies)
        from .demo import load_events
        from .wiring import agenda, panels, protection, registration

        registry.nav(_("Meetings"), "events:list", order=60, public=True)
        registry.demo_loader("events", load_events, order=50)
        for part in (agenda, protection, registration, panels):
            part.register()
