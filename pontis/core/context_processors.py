from django.conf import settings

from . import registry
from .notifications import notifications_unread_count


def pontis(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "PONTIS_DEMO": settings.PONTIS_DEMO,
        "PONTIS_MFA_RELAXED": settings.PONTIS_RELAX_MFA and authenticated and user.needs_mfa,
        "nav_entries": registry.nav_for(user) if user is not None else [],
        "unread_count": notifications_unread_count(user, request) if authenticated else 0,
        "ui_languages": [(code, settings.LANGUAGE_NAMES_NATIVE[code]) for code, _n in settings.LANGUAGES],
    }
