from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "pontis.intake"
    label = "intake"
    verbose_name = _("Requests for assistance")

    def ready(self):
        from pontis.core import registry

        from . import permissions  # noqa: F401  (registers the policy)
        from .demo import load_demo_requests
        from .home import committee_panel, my_requests_panel, screening_panel

        # Each link shows to the people its page lets in (the page's policy gate; core.registry.NavEntry).
        registry.nav(_("Requests"), "intake:list", order=20)
        registry.nav(_("At risk"), "intake:at_risk", order=25)
        registry.home_panel(screening_panel, order=20)
        registry.home_panel(committee_panel, order=21)
        registry.home_panel(my_requests_panel, order=22)
        registry.demo_loader("intake", load_demo_requests, order=30)
