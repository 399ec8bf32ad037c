"""Home panels about requests (what awaits people is in awaiting.py, the home page's "Awaiting me")."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role

from . import selectors

PANEL_SIZE = 5


def _panel(title, qs, link_text, link_url, empty):
    total = qs.count()
    # The panel shows a title and a status: not the countries, themes and institutions list pages load with them.
    items = list(qs.prefetch_related(None)[:PANEL_SIZE]) if total else []
    return {"title": title, "template": "intake/_panel_requests.html", "items": items, "total": total,
            "link_text": link_text, "link_url": link_url, "empty": empty}


def my_requests_panel(request):
    user = request.user
    if not user.has_role(Role.FOCAL_POINT):
        return None
    panel = _panel(_("My requests"), selectors.requests_of_requester(user), _("All my requests"),
                   reverse("intake:list"), _("You have no request yet."))
    panel["new_url"] = reverse("intake:create")
    return panel
