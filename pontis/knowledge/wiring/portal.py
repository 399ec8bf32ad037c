"""Registrations of the portal part of the knowledge app (navigation, panels, demo data), called from apps.ready()."""

from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from ..models import PublishedAction
from ..portal import publication_of


def action_portal_panel(request, obj) -> dict | None:
    """On an Action's page, for staff: whether it is on the public portal, and the way to prepare or change it."""
    if not can(request.user, "change", PublishedAction):
        return None
    return {"title": _("Public portal"), "template": "knowledge/portal/_action_panel.html", "action": obj,
            "published": publication_of(obj)}


def register():
    registry.nav(_("Portal"), "portal:home", order=5, public=True)
    registry.detail_panel("actions.Action", action_portal_panel, order=90)
