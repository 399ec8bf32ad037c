"""Home panels about requests (what awaits people is in awaiting.py, the home page's "Awaiting me")."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role

from .models import Request

PANEL_SIZE = 5


def _requester_request_ids(user) -> set[int]:
    """The ids of the requests of the person's institutions and their own (what the policy lets a requester see,
    as ``selectors.requests_of_requester``), read in one query from two indexes: the institution link and the
    author. Asked as one condition (``pk IN (subquery) OR submitted_by``), the database read every request."""
    through = Request.institutions.through
    of_my_institutions = (
        through.objects.filter(institution_id__in=sorted(user.focal_institution_ids))
        .order_by()
        .values_list("request_id", flat=True)
    )
    mine = Request.objects.filter(submitted_by=user).order_by().values_list("pk", flat=True)
    return set(of_my_institutions.union(mine))


def my_requests_panel(request):
    user = request.user
    if not user.has_role(Role.FOCAL_POINT):
        return None
    ids = _requester_request_ids(user)
    # The panel shows a title, a status and, for an untitled draft, the day it was started: nothing else is read.
    items = (
        list(
            Request.objects.filter(pk__in=sorted(ids))
            .only("pk", "title", "status", "created_at")
            .order_by("-submitted_at", "-created_at", "-id")[:PANEL_SIZE]
        )
        if ids
        else []
    )
    return {
        "title": _("My requests"),
        "template": "intake/_panel_requests.html",
        "items": items,
        "total": len(ids),
        "link_text": _("All my requests"),
        "link_url": reverse("intake:list"),
        "empty": _("You have no request yet."),
        "new_url": reverse("intake:create"),
    }
