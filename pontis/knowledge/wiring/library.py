"""Registrations of the library part of the knowledge app (navigation, panels), called from apps.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from ..forms import CaseStudyFromActionForm
from ..models import LibraryItem
from ..selectors import items_for_action


def action_library_panel(request, action) -> dict | None:
    """On an Action's page: the library items that came from it (those the reader may see) and, for staff on a
    completed Action, the one-step form that publishes a case study from it."""
    items = items_for_action(request.user, action)
    may_publish = action.status == "completed" and can(request.user, "create", LibraryItem)
    if not items and not may_publish:
        return None
    return {"template": "knowledge/library/_action_panel.html", "items": items, "action": action,
            "form": CaseStudyFromActionForm(auto_id="case-study-%s") if may_publish else None}


def register():
    registry.nav(_("Library"), "library:list", public=True, order=60)
    registry.detail_panel("actions.Action", action_library_panel, order=50)
