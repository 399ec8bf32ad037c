"""Home panels about the roster (what awaits people is in awaiting.py, the home page's "Awaiting me")."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.core.home import kept_for_everyone
from pontis.core.roles import is_staff

from .services import profiles_stale


def _stale_count() -> int:
    return profiles_stale().count()


def staff_panel(request):
    """The roster at a glance for staff (experts to vet and erasure requests are tasks in "Awaiting me"). The count
    is the same for every staff member and moves by the day: kept in the worker for up to a minute."""
    user = request.user
    if not is_staff(user):
        return None
    stale = kept_for_everyone("experts.stale_profiles", _stale_count)
    return {
        "title": _("Expert roster"),
        "template": "core/_panel_links.html",
        "text": _("%(n)s profiles not confirmed for a year.") % {"n": stale},
        "links": [(_("Open the roster"), reverse("experts:roster"))],
    }
