"""Registrations of the indicators part of the feedback app with core.registry: the figures panel on an activity's
and an Action's page, for the people who read indicators (staff and committee members; observers do not open
those pages, partner focal points do not read indicators, see permissions_indicators.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from ..indicators import Indicators, indicators
from ..selectors.indicators import criterion_labels
from ..views_indicators import figure_rows


def _panel(request, **scope) -> dict | None:
    if not can(request.user, "view", Indicators):
        return None
    rows = figure_rows(indicators(**scope, user=request.user), None, criterion_labels())
    return {"template": "feedback/indicators_panel.html", "figures": rows,
            "review_url": reverse("feedback:indicators_review")}


def activity_indicators_panel(request, activity) -> dict | None:
    return _panel(request, activity=activity)


def action_indicators_panel(request, action) -> dict | None:
    return _panel(request, action=action)


def home_review_panel(request) -> dict | None:
    """On the home page of everyone who reads indicators: where the quarter's, half-year's and year's figures are.
    A link only: the figures themselves are computed on the review page, not on every home page view."""
    if not can(request.user, "view", Indicators):
        return None
    return {"title": _("Feedback from activities"), "template": "feedback/indicators_home_panel.html",
            "review_url": reverse("feedback:indicators_review")}


def register() -> None:
    registry.home_panel(home_review_panel, order=45)
    registry.detail_panel("actions.Activity", activity_indicators_panel, order=70)
    registry.detail_panel("actions.Action", action_indicators_panel, order=70)
