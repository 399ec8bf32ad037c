from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "pontis.actions"
    label = "actions"
    verbose_name = _("Actions")

    def ready(self):
        from pontis.core import registry

        from . import permissions  # noqa: F401  (registers policies)
        from .demo import load_demo_actions
        from .home import actions_panel

        # Each link shows to the people its page lets in (the page's policy gate; core.registry.NavEntry).
        registry.nav(_("Actions"), "actions:list", order=30)
        registry.nav(_("Process"), "actions:process", order=60)
        registry.home_panel(actions_panel, order=30)
        registry.demo_loader("actions", load_demo_actions, order=20)

        from . import panels
        from .demo import load_demo_approvals

        # Approvals of the intake demo's requests run after intake's loader (order 30).
        registry.demo_loader("actions-approvals", load_demo_approvals, order=35)
        registry.detail_panel("intake.Request", panels.request_action_panel, order=10)
        registry.detail_panel("intake.Request", panels.request_approve_panel, order=20)
        registry.detail_panel("intake.Request", panels.request_complementarity_panel, order=30)
        registry.risk_list(panels.risk_rows, order=10)

        from pontis.core.selectors import register_figure

        from .figures import action_figures

        register_figure(action_figures)
