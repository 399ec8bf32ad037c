from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "pontis.experts"
    label = "experts"
    verbose_name = _("Expert roster")

    def ready(self):
        from pontis.accounts.models import Role
        from pontis.core import registry

        from . import permissions  # noqa: F401  (registers policies)
        from .demo import load_demo_experts
        from .home import expert_panel, staff_panel

        registry.nav(_("Experts"), "experts:roster", order=40)  # shown to whom the roster's gate lets in
        registry.nav(_("My expert profile"), "experts:me", roles=(Role.EXPERT,), order=45)
        registry.home_panel(staff_panel, order=40)
        registry.home_panel(expert_panel, order=41)
        registry.demo_loader("experts", load_demo_experts, order=40)

        from .selectors import action_ids_for_expert, confirmed_expert_counts

        # What flows up to the actions app: who takes part in an Action, how many experts staff an activity.
        registry.action_participation(action_ids_for_expert)
        registry.activity_people(confirmed_expert_counts)

        from pontis.core.selectors import register_figure

        from .figures import observer_panel, roster_figures

        register_figure(roster_figures)
        registry.home_panel(observer_panel, order=42)
