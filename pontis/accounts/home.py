from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .middleware import user_has_mfa
from .models import Role


def account_panel(request):
    user = request.user
    links = [(_("My profile and API tokens"), reverse("accounts:profile"))]
    if user.has_role(Role.ADMIN):
        links.append((_("People and roles"), reverse("accounts:people")))
        links.append((_("Reference data (administration)"), reverse("admin:index")))
    text = ""
    if user.needs_mfa and not user_has_mfa(user):
        text = _("Your role requires two-factor sign-in. Set it up now.")
        links.insert(0, (_("Set up two-factor authentication"), reverse("mfa_activate_totp")))
    roles = ", ".join(str(a) for a in user.role_assignments) or _("no role yet")
    return {"title": _("My account"), "template": "core/_panel_links.html",
            "text": text or _("Your roles: %(roles)s") % {"roles": roles}, "links": links}
