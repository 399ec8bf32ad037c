"""Registrations of the similar part of the knowledge app (navigation, panels, demo data), called from apps.ready().

"Similar elsewhere" panels on the request page (staff, and the requesting focal point on their own request), the
Action page and a library item's page. The actions app's complementarity panel lists Actions in the same countries;
this one is its complement: what was done in other countries, with the reasons.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from .. import similar
from ..models import SimilarMark

PANEL_TEMPLATE = "knowledge/similar/_panel.html"


def panel_context(request, kind: str, obj) -> dict:
    """The panel's context for ``obj`` (which the reader may see and be shown suggestions for)."""
    user = request.user
    source = similar.build_source(kind, obj)
    suggestions = similar.suggestions_for(user, source)
    may_mark = can(user, "create", SimilarMark)
    marked = 0
    if may_mark:
        pinned, dismissed = similar.marks_of(source)  # already read for the suggestions: one mark per target
        marked = len(pinned) + len(dismissed)
    return {
        "placement": "side", "template": PANEL_TEMPLATE, "title": _("Similar elsewhere"),
        "kind": kind, "source_id": obj.pk, "dom_id": f"similar-elsewhere-{kind}-{obj.pk}",
        "suggestions": suggestions, "may_mark": may_mark, "marked": marked,
        "url": reverse("similar:panel", args=[kind, obj.pk]),
        "pin_url": reverse("similar:pin", args=[kind, obj.pk]),
        "dismiss_url": reverse("similar:dismiss", args=[kind, obj.pk]),
        "reset_url": reverse("similar:reset", args=[kind, obj.pk]),
    }


LAZY_TEMPLATE = "knowledge/similar/_lazy.html"


def _panel(kind):
    def panel(request, obj):
        if not similar.may_see_panel(request.user, kind, obj):
            return None
        if request.GET.get("similar"):  # asked for in the page itself (no JavaScript, or back from a mark)
            return panel_context(request, kind, obj)
        # The page does not wait for the suggestions (a few hundred milliseconds on a large facility): the panel
        # fetches them once the page is shown.
        return {"placement": "side", "template": LAZY_TEMPLATE, "title": _("Similar elsewhere"),
                "dom_id": f"similar-elsewhere-{kind}-{obj.pk}", "url": reverse("similar:panel", args=[kind, obj.pk])}

    panel.__name__ = f"similar_{kind}_panel"
    return panel


request_panel = _panel("request")
action_panel = _panel("action")
item_panel = _panel("practice")


def register():
    registry.detail_panel("intake.Request", request_panel, order=150)
    registry.detail_panel("actions.Action", action_panel, order=150)
    registry.detail_panel("knowledge.LibraryItem", item_panel, order=150)
