from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.awaiting import prepared_rows, url_of_code
from pontis.core.home import kept_for_everyone
from pontis.core.roles import is_staff
from pontis.core.templatetags.pontis import tr

from . import selectors
from .models import Action, ActionPartner
from .permissions import visible_actions

PANEL_SIZE = 5


def _at_risk_items():
    return [{"action": a, "reason": r} for a, r in selectors.actions_at_risk(limit=PANEL_SIZE)]


def _only_partner(user) -> bool:
    """A partner's focal point with no other role that widens what ``visible_actions`` answers: they see their
    institutions' Actions, chosen here through the partner link as a subquery in the panel's own query, where
    ``visible_actions`` reads their ids first."""
    return bool(
        user.focal_institution_ids
        and user.has_role(Role.FOCAL_POINT)
        and not user.has_any_role(Role.ADMIN, Role.OFFICER, Role.COMMITTEE, Role.EXPERT, Role.DELEGATION)
    )


def _my_actions(user) -> list:
    """The person's five latest ongoing Actions, as ``selectors.my_actions`` answers them, reading only the code and
    title the panel shows (the list selector also joins the region and lead country and reads the countries and
    themes in two more queries, none of which the panel shows)."""
    if _only_partner(user):
        # Only the institutions' ids change between partners: the statement is written once per worker.
        return prepared_rows("actions.home.partner_actions", _partner_actions,
                             {"institutions": sorted(user.focal_institution_ids)}, lists=("institutions",))
    return list(_latest_ongoing(visible_actions(user)))


def _latest_ongoing(actions):
    ongoing = [Action.Status.DESIGN, Action.Status.ONGOING]
    return actions.filter(status__in=ongoing).only("pk", "code", "title").order_by("-code")[:PANEL_SIZE]


def _partner_actions(*, institutions):
    partnered = ActionPartner.objects.filter(institution_id__in=institutions).values("action_id")
    return _latest_ongoing(Action.objects.filter(pk__in=partnered))


def rows_html(items) -> str:
    """The panel's list items, written here rather than through the template's ``{% url %}`` and ``{% tr %}`` for
    each Action (the markup it replaced is kept in tests/test_home_speed_prepared.py): a link to the Action, its
    code and title in the reader's language, and why it needs attention."""
    if not items:
        return format_html("<li>{}</li>", gettext("Nothing for now."))
    url = url_of_code("actions:detail")
    return mark_safe("".join([  # each part escaped by format_html
        format_html('<li><a href="{}">{} · {}</a>{}</li>', url(item["action"].code),
                    item["action"].code, tr(item["action"].title),
                    format_html(" – {}", item["reason"]) if item["reason"] else "")
        for item in items]))


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
            "rows": rows_html(items),
            "more_url": reverse("actions:at_risk"),
            "more_label": _("All Actions needing attention"),
        }
    if user.has_any_role(Role.COMMITTEE, Role.FOCAL_POINT, Role.EXPERT):
        items = [{"action": a, "reason": ""} for a in _my_actions(user)]
        return {
            "title": _("My Actions"),
            "template": "actions/_panel_actions.html",
            "items": items,
            "rows": rows_html(items),
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
