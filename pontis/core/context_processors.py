from django.conf import settings
from django.urls import get_resolver, get_script_prefix, get_urlconf

from . import registry
from .notifications import notifications_unread_count


class _ResolvedNavEntry:
    """A navigation entry with its address and its page's gate read once per URL configuration.

    Reversing and resolving every link on every page cost about 2 ms of each request. Who sees the link is still
    decided on each request, by ``NavEntry.visible_for`` itself (the one rule), asked of this entry."""

    __slots__ = ("_gate", "label", "public", "roles", "url", "url_name")

    def __init__(self, entry):
        self.label, self.url_name, self.public, self.roles = entry.label, entry.url_name, entry.public, entry.roles
        self.url = entry.url
        self._gate = entry.gate()

    def gate(self):
        return self._gate

    def visible_for(self, user) -> bool:
        return registry.NavEntry.visible_for(self, user)


# (URL resolver, script prefix, number of entries) -> the entries resolved. A new URL configuration (settings
# changed, a request's own urlconf) has a new resolver, so nothing resolved for another one is shown.
_resolved_nav: tuple = (None, ())


def _nav_entries():
    global _resolved_nav
    key = (get_resolver(get_urlconf()), get_script_prefix(), len(registry._nav))
    known_key, entries = _resolved_nav
    if known_key != key:
        entries = tuple(_ResolvedNavEntry(entry) for entry in registry._nav)
        _resolved_nav = (key, entries)
    return entries


def nav_for(user) -> list:
    """The navigation links shown to ``user``: the same as ``registry.nav_for(user)``, each with its ``url``."""
    return [entry for entry in _nav_entries() if entry.visible_for(user)]


def pontis(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "PONTIS_DEMO": settings.PONTIS_DEMO,
        "PONTIS_MFA_RELAXED": settings.PONTIS_RELAX_MFA and authenticated and user.needs_mfa,
        "nav_entries": nav_for(user) if user is not None else [],
        "unread_count": notifications_unread_count(user, request) if authenticated else 0,
        "ui_languages": [(code, settings.LANGUAGE_NAMES_NATIVE[code]) for code, _n in settings.LANGUAGES],
    }
