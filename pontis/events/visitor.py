"""Registrations a visitor without an account has proved through their personal link, kept in the session.

Opening a registration's own link (``/events/r/<token>/``) remembers it here; the protection rules then treat the
visitor as that registered participant for that meeting (registered-only material, check-in, minutes comments).
"""

from __future__ import annotations

SESSION_KEY = "pontis_registrations"
LIMIT = 50


def remember_registration(request, registration) -> None:
    """Remember that this browser holds ``registration``'s link (the newest first, at most ``LIMIT``)."""
    ids = [i for i in request.session.get(SESSION_KEY, []) if i != registration.pk]
    request.session[SESSION_KEY] = [registration.pk, *ids][:LIMIT]


def registration_ids(request) -> list[int]:
    """Ids of the registrations this browser has proved (empty for a request without a session)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    return [i for i in session.get(SESSION_KEY, []) if isinstance(i, int)]
