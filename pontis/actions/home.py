from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.home import kept_for_everyone
from pontis.core.roles import is_staff

from . import selectors
from .models import Action, ActionPartner
from .permissions import visible_actions

PANEL_SIZE = 5


def _at_risk_items():
    return [{"action": a, "reason": r} for a, r in selectors.actions_at_risk(limit=PANEL_SIZE)]


def _actions_seen_by(user):
    """The Actions ``user`` may see, as ``visible_actions`` answers them. A partner's focal point with no other role
    that widens it sees their institutions' Actions: chosen here through the partner link as a subquery, in the
    panel's own query, where ``visible_actions`` reads their ids first."""
    only_partner = (
        user.focal_institution_ids
        and user.has_role(Role.FOCAL_POINT)
        and not user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.EXPERT, Role.DELEGATION)
    )
    if not only_partner:
        return visible_actions(user)
    partnered = ActionPartner.objects.filter(institution_id__in=sorted(user.focal_institution_ids)).values("action_id")
    return Action.objects.filter(pk__in=partnered)


def _my_actions(user) -> list:
    """The person's five latest ongoing Actions, as ``selectors.my_actions`` answers them, reading only the code and
    title the panel shows (the list selector also joins the region and lead country and reads the countries and
    themes in two more queries, none of which the panel shows)."""
    ongoing = [Action.Status.DESIGN, Action.Status.ONGOING]
    return list(_actions_seen_by(user).filter(status__in=ongoing).only("pk", "code", "title").order_by("-code")[:PANEL_SIZE])


def actions_panel(request):
    """Staff see the Actions needing attention; partners, committee and experts see their ongoing Actions.

    The Actions needing attention are the same for every staff member (reasons worded in the reader's language):
    they are kept in the worker for up to a minute (``kept_for_everyone``); the page they link to is always exact."""
    user = request.user
    if is_staff(user):
        items = kept_for_everyone("actions.at_risk", _at_risk_items)
        return {
            "title": _("Actions needing attention"),
            "template": "actions/_panel_actions.html",
            "items": items,
            "more_url": reverse("actions:at_risk"),
            "more_label": _("All Actions needing attention"),
        }
    if user.has_any_role(Role.COMMITTEE, Role.FOCAL_POINT, Role.EXPERT):
        items = [{"action": a, "reason": ""} for a in _my_actions(user)]
        return {
            "title": _("My Actions"),
            "template": "actions/_panel_actions.html",
            "items": items,
            "more_url": reverse("actions:list"),
            "more_label": _("All my Actions"),
        }
    if user.has_role(Role.OBSERVER):
        return {
            "title": _("Process"),
            "template": "core/_panel_links.html",
            "text": _("How fast the facility reacts, stage by stage."),
            "links": [(_("Open the process view"), reverse("actions:process"))],
        }
    return None
