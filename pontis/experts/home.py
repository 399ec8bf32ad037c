"""Home panels: what awaits staff (vetting, stale profiles, erasure requests) and experts (invitations)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Role
from pontis.core.roles import is_staff

from . import selectors
from .services import profiles_stale


def staff_panel(request):
    user = request.user
    if not is_staff(user):
        return None
    awaiting = list(selectors.profiles_awaiting_vetting().order_by("created_at")[:5])
    erasure = list(selectors.profiles_erasure_requested()[:3])
    stale = profiles_stale().count()
    items = [(f"{p.full_name} – {p.get_status_display()}", reverse("experts:profile", args=[p.pk])) for p in awaiting]
    items += [(f"{p.full_name} – {_('erasure requested')}", reverse("experts:profile", args=[p.pk])) for p in erasure]
    return {"title": _("Expert profiles awaiting vetting"), "template": "experts/_panel_list.html", "items": items,
            "text": _("%(n)s profiles not confirmed for a year.") % {"n": stale},
            "more_url": reverse("experts:roster"), "more_label": _("Open the roster")}


def expert_panel(request):
    user = request.user
    if not user.has_role(Role.EXPERT):
        return None
    invitations = list(selectors.pending_invitations_for_user(user)[:5])
    return {"title": _("My invitations"), "template": "experts/_panel_list.html",
            "items": [(str(i.activity), reverse("experts:invitation", args=[i.pk])) for i in invitations],
            "more_url": reverse("experts:me"), "more_label": _("My expert profile")}
