"""The roster in numbers: public headline figures and the observers' home panel (aggregates only)."""

from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.selectors import cached_figures

from .models import Deployment, ExpertProfile
from .selectors import expert_statistics


def roster_figures():
    deployed = Deployment.objects.exclude(status="cancelled").values("profile_id").distinct().count()
    return [
        (_("experts on the roster"), ExpertProfile.objects.count()),
        (_("experts deployed"), deployed),
    ]


def observer_panel(request):
    """Donor observers see the roster's aggregate figures, never a person."""
    if not request.user.has_role(Role.OBSERVER):
        return None
    stats = cached_figures("expert-statistics", expert_statistics)  # aggregates only, minutes old at most
    return {
        "title": _("The roster in numbers"),
        "template": "experts/_panel_figures.html",
        "stats": stats,
        "eu_states": len(stats["government_experts_by_eu_member_state"]),
        "eu_government": sum(stats["government_experts_by_eu_member_state"].values()),
    }
