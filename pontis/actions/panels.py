"""What the actions app adds to other apps' pages, through ``pontis.core.registry`` (registered in apps.py).

intake never imports actions: its request page shows these panels, its "at risk" page these rows.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core.permissions import can

from . import selectors
from .models import Action

COMPLEMENTARITY_SHOWN = 10  # Actions listed on a request page, the most relevant first
# How the panel names what each group of Actions has in common with the request.
COMPLEMENTARITY_LABELS = {
    "country_and_theme": _("Same country and thematic area"),
    "country": _("Same country, other thematic areas"),
    "theme": _("Same thematic area, other countries"),
}


def _request_action(obj) -> Action | None:
    try:
        return obj.action  # the reverse side of Action.source_request (loaded by intake's detail selector)
    except Action.DoesNotExist:
        return None


def request_action_panel(request, obj) -> dict | None:
    """On an approved request: its Action, with a link to it."""
    action = _request_action(obj)
    if action is None:
        return None
    return {"placement": "top", "template": "actions/_request_action_panel.html", "action": action,
            "action_url": reverse("actions:detail", args=[action.code])}


def request_approve_panel(request, obj) -> dict | None:
    """For committee members on a forwarded request: approve it and create its Action."""
    if obj.status != "forwarded" or not can(request.user, "decide", obj):
        return None
    return {"placement": "decide", "template": "actions/_request_approve_panel.html", "request_obj": obj}


def request_complementarity_panel(request, obj) -> dict | None:
    """For staff: past and ongoing Actions in the same countries and themes."""
    if not can(request.user, "see_internal", obj):
        return None
    # The most relevant few: every Action sharing a theme is thousands once the facility has run for years, and
    # the page grew with them (10 s at 20,000 Actions).
    actions = selectors.actions_for_complementarity(countries=list(obj.countries.all()), themes=list(obj.themes.all()),
                                                    limit=COMPLEMENTARITY_SHOWN, exclude=_request_action(obj))
    groups = [{"shares": key, "label": COMPLEMENTARITY_LABELS[key], "actions": [a for a in actions if a.shares == key]}
              for key in ("country_and_theme", "country", "theme")]
    return {"placement": "side", "template": "actions/_request_complementarity_panel.html", "actions": actions,
            "groups": [g for g in groups if g["actions"]], "limited": len(actions) == COMPLEMENTARITY_SHOWN,
            "country_ids": {c.pk for c in obj.countries.all()}, "theme_ids": {t.pk for t in obj.themes.all()}}


RISK_ROWS_SHOWN = 10


def risk_rows(user) -> list[dict]:
    """The first Actions whose 90-day clock is at risk, as rows for the requests' "at risk" page (which links to
    the Actions' own page for all of them)."""
    return [{"action": action, "why": why, "url": reverse("actions:detail", args=[action.code])}
            for action, why in selectors.actions_at_risk(limit=RISK_ROWS_SHOWN)]
