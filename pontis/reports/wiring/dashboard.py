"""Registrations of the dashboard part of the reports app with core.registry: the "Figures" navigation entry (shown
to whom the dashboard's gate lets in: DashboardPolicy "view") and, for donor observers, a home panel pointing to
it (a link only: the figures are computed on the dashboard, not on every home page view)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can
from pontis.core.roles import Role

from ..permissions import Dashboard


def observer_home_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not user.has_any_role(Role.OBSERVER) or not can(user, "view", Dashboard):
        return None
    return {"title": _("The facility in numbers"), "template": "reports/dashboard_home_panel.html",
            "dashboard_url": reverse("reports:dashboard")}


def register() -> None:
    registry.nav(_("Figures"), "reports:dashboard", order=85)
    registry.home_panel(observer_home_panel, order=20)
