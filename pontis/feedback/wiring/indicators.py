"""Registrations of the indicators part of the feedback app with core.registry: the figures panel on an activity's
and an Action's page, for the people who read indicators (staff and committee members; observers do not open
those pages, partner focal points do not read indicators, see permissions_indicators.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from ..indicators import Indicators, indicators, sees_small_numbers
from ..selectors.indicators import criterion_labels
from ..views_indicators import figure_rows


def _rows(user, **scope) -> list[dict]:
    return figure_rows(indicators(**scope, user=user), None, criterion_labels())


def _panel(request, rows) -> dict:
    return {"template": "feedback/indicators_panel.html", "figures": rows,
            "review_url": reverse("feedback:indicators_review")}


def activity_indicators_panel(request, activity) -> dict | None:
    if not can(request.user, "view", Indicators):
        return None
    return _panel(request, _rows(request.user, activity=activity))


def action_indicators_panel(request, action) -> dict | None:
    """The figures of the Action to date. Every reader of indicators sees the same figures of an Action (only
    administrators see those behind fewer than five respondents, hence ``reveal`` in the key), so they are shared
    per language for a minute at most (never longer than PONTIS_FIGURES_CACHE_SECONDS, 0 in tests): six aggregate
    queries over the responses, attendance and personal links of a large Action were a third of its page's time,
    and feedback that just came in shows within a minute."""
    if not can(request.user, "view", Indicators):
        return None
    reveal = sees_small_numbers(request.user)
    seconds = min(settings.PONTIS_FIGURES_CACHE_SECONDS, 60)
    if seconds <= 0:
        return _panel(request, _rows(request.user, action=action))
    # The panel's HTML is kept with them (the same key parts and lifetime): it depends on the figures, the
    # language and the page's address only, and writing its table again cost more than reading the figures.
    key = f"pontis:indicators-action-panel:{action.pk}:{int(reveal)}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        panel = _panel(request, _rows(request.user, action=action))
        html = render_to_string(panel["template"], {"panel": panel})
        cache.set(key, html, seconds)
    return {"template": _Rendered(html)}


class _Rendered:
    """A panel already written: ``{% include panel.template %}`` renders an object with ``render(context)`` as
    itself, so the page shows the kept HTML as it is."""

    __slots__ = ("html",)

    def __init__(self, html: str):
        self.html = html

    def render(self, context) -> SafeString:
        return SafeString(self.html)


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
