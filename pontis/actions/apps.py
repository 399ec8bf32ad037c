from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "pontis.actions"
    label = "actions"
    verbose_name = _("Actions")

    def ready(self):
        from pontis.core import registry

        from . import news, permissions  # noqa: F401  (news declares the app's events; permissions registers policies)
        from .demo import load_demo_actions
        from .home import actions_panel

        # Each link shows to the people its page lets in (the page's policy gate; core.registry.NavEntry).
        registry.nav(_("Actions"), "actions:list", order=30)
        registry.nav(_("Process"), "actions:process", order=60)
        registry.nav(_("My requests and Actions"), "actions:mine", order=15)  # staff and committee (the page's gate)
        registry.home_panel(actions_panel, order=30)

        from .awaiting import fiche_agree_tasks, follow_up_tasks, partner_agree_tasks, proposal_tasks

        # "Awaiting me" (the home page's task list): what each person must act on among the Actions.
        registry.task_provider(proposal_tasks, order=30)
        registry.task_provider(fiche_agree_tasks, order=31)
        registry.task_provider(partner_agree_tasks, order=32)
        registry.task_provider(follow_up_tasks, order=33)
        registry.demo_loader("actions", load_demo_actions, order=20)

        from . import panels
        from .demo import load_demo_approvals

        # Approvals of the intake demo's requests run after intake's loader (order 30).
        registry.demo_loader("actions-approvals", load_demo_approvals, order=35)

        from .demo_ownership import load_demo_coordinators, load_demo_owners

        # Coordinators before intake's loader submits its requests (order 30), owners after the approvals.
        registry.demo_loader("ownership-coordinators", load_demo_coordinators, order=25)
        registry.demo_loader("ownership-owners", load_demo_owners, order=36)
        registry.detail_panel("intake.Request", panels.request_action_panel, order=10)
        registry.detail_panel("intake.Request", panels.request_approve_panel, order=20)
        registry.detail_panel("intake.Request", panels.request_complementarity_panel, order=30)
        registry.risk_list(panels.risk_rows, order=10)

        from pontis.core.selectors import register_figure

        from .figures import action_figures

        register_figure(action_figures)
