from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.roles import is_staff

from . import selectors


def actions_panel(request):
    """Staff see the Actions needing attention; partners, committee and experts see their ongoing Actions."""
    user = request.user
    if is_staff(user):
        items = [{"action": a, "reason": r} for a, r in selectors.actions_at_risk(limit=5)]
        return {"title": _("Actions needing attention"), "template": "actions/_panel_actions.html", "items": items,
                "more_url": reverse("actions:at_risk"), "more_label": _("All Actions needing attention")}
    if user.has_any_role(Role.COMMITTEE, Role.FOCAL_POINT, Role.EXPERT):
        items = [{"action": a, "reason": ""} for a in selectors.my_actions(user)]
        return {"title": _("My Actions"), "template": "actions/_panel_actions.html", "items": items,
                "more_url": reverse("actions:list"), "more_label": _("All my Actions")}
    if user.has_role(Role.OBSERVER):
        return {"title": _("Process"), "template": "core/_panel_links.html",
                "text": _("How fast the facility reacts, stage by stage."),
                "links": [(_("Open the process view"), reverse("actions:process"))]}
    return None
