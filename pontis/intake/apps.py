from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "pontis.intake"
    label = "intake"
    verbose_name = _("Requests for assistance")

    def ready(self):
        from pontis.core import registry

        from . import news, permissions  # noqa: F401  (news declares the app's events; permissions registers the policy)
        from .awaiting import answer_tasks, decide_tasks, draft_tasks, officer_tasks
        from .demo import load_demo_requests
        from .home import my_requests_panel

        # Each link shows to the people its page lets in (the page's policy gate; core.registry.NavEntry).
        registry.nav(_("Requests"), "intake:list", order=20)
        registry.nav(_("At risk"), "intake:at_risk", order=25)
        # "Awaiting me" (the home page's task list): what each person must act on among the requests.
        registry.task_provider(officer_tasks, order=20)  # screen, then deferred, in one query
        registry.task_provider(decide_tasks, order=22)
        registry.task_provider(answer_tasks, order=23)
        registry.task_provider(draft_tasks, order=24)
        registry.home_panel(my_requests_panel, order=22)
        registry.demo_loader("intake", load_demo_requests, order=30)

        from .delegation import delegation_panel, opinion_tasks

        registry.detail_panel("intake.Request", delegation_panel, order=40)
        registry.task_provider(opinion_tasks, order=15)
