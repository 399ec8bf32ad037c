"""Home panels about requests (what awaits people is in awaiting.py, the home page's "Awaiting me")."""

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.awaiting import prepared_rows

from .models import Request

PANEL_SIZE = 5


def _requester_requests(user, *, institutions=None):
    """The requests of the person's institutions and their own (what the policy lets a requester see, as
    ``selectors.requests_of_requester``), chosen through two indexes: the institution link and the author, as one
    ``pk IN (... UNION ...)``. Asked as one condition (``pk IN (subquery) OR submitted_by``), the database read
    every request. ``user`` may be given by its id, with the ids of its ``institutions``."""
    through = Request.institutions.through
    if institutions is None:
        institutions = sorted(user.focal_institution_ids)
    of_my_institutions = (
        through.objects.filter(institution_id__in=institutions)
        .order_by()
        .values_list("request_id", flat=True)
    )
    mine = Request.objects.filter(submitted_by=user).order_by().values_list("pk", flat=True)
    return Request.objects.filter(pk__in=of_my_institutions.union(mine))


def _latest_requests(*, user, institutions):
    return (
        _requester_requests(user, institutions=institutions)
        .only("pk", "title", "status", "created_at")
        .annotate(panel_total=Window(Count("pk")))
        .order_by("-submitted_at", "-created_at", "-id")[:PANEL_SIZE]
    )


def my_requests_panel(request):
    user = request.user
    if not user.has_role(Role.FOCAL_POINT):
        return None
    # The panel shows a title, a status and, for an untitled draft, the day it was started, and how many there are
    # in all: the five shown and the total in one query.
    # The statement is written once per worker (``core.awaiting.prepared_rows``); only the person's ids change.
    items = prepared_rows("intake.home.my_requests", _latest_requests,
                          {"user": user.pk, "institutions": sorted(user.focal_institution_ids)}, lists=("institutions",))
    return {
        "title": _("My requests"),
        "template": "intake/_panel_requests.html",
        "items": items,
        "total": items[0].panel_total if items else 0,
        "link_text": _("All my requests"),
        "link_url": reverse("intake:list"),
        "empty": _("You have no request yet."),
        "new_url": reverse("intake:create"),
    }
