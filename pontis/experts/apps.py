from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "pontis.experts"
    label = "experts"
    verbose_name = _("Expert roster")

    def ready(self):
        from pontis.accounts.models import Role
        from pontis.core import registry

        from . import news, permissions  # noqa: F401  (news declares the app's events; permissions registers policies)
        from .awaiting import erasure_tasks, invitation_tasks, profile_tasks, vet_tasks
        from .demo import load_demo_experts
        from .home import staff_panel

        registry.nav(_("Experts"), "experts:roster", order=40)  # shown to whom the roster's gate lets in
        registry.nav(_("My expert profile"), "experts:me", roles=(Role.EXPERT,), order=45)
        registry.home_panel(staff_panel, order=40)
        # "Awaiting me" (the home page's task list): vetting and erasure for staff, invitations and the profile for experts.
        registry.task_provider(vet_tasks, order=40)
        registry.task_provider(erasure_tasks, order=41)
        registry.task_provider(invitation_tasks, order=42)
        registry.task_provider(profile_tasks, order=43)
        registry.demo_loader("experts", load_demo_experts, order=40)

        from .panels import activity_experts_panel

        registry.detail_panel("actions.Activity", activity_experts_panel, order=20)

        from .selectors import action_ids_for_expert, activities_confirmed_for_expert, confirmed_expert_counts

        # What flows up to the actions app: who takes part in an Action, how many experts staff an activity.
        registry.action_participation(action_ids_for_expert)
        registry.activity_people(confirmed_expert_counts)
        registry.activity_members(activities_confirmed_for_expert)

        from pontis.core.selectors import register_figure

        from .figures import observer_panel, roster_figures

        register_figure(roster_figures)
        registry.home_panel(observer_panel, order=42)
