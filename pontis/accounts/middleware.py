"""Staff and committee roles must sign in with a second factor (TOTP); sessions slide without a write per request."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from pontis.core.awaiting import prepared_rows

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/api/", "/media/")


HAS_TOTP_ATTR = "_pontis_has_totp"


def user_has_mfa(user) -> bool:
    """Whether ``user`` has TOTP set up. A positive answer is kept on this user object, which lives for one
    request: the middleware and the home page's account panel then ask the database once. A negative answer is
    never kept, so a person who has just set TOTP up is let through at once."""
    if getattr(user, HAS_TOTP_ATTR, False):
        return True
    # Asked of the database on every request (an authenticator removed is seen at once), through a statement
    # compiled once per worker: building the query was most of the check's cost.
    found = bool(prepared_rows("accounts.user_has_mfa", _totp_of, {"user": user.pk}))
    if found:
        setattr(user, HAS_TOTP_ATTR, True)
    return found


def _totp_of(*, user):
    """The statement of ``user_has_mfa``: the id of the TOTP authenticator of the person whose id is ``user``."""
    return Authenticator.objects.filter(user_id=user, type=Authenticator.Type.TOTP).values_list("pk", flat=True)[:1]


def mfa_missing(user) -> bool:
    """True when a signed-in person holds a role that needs two-factor sign-in and has not set it up.

    The one rule for pages (RequireMFAMiddleware) and for the API's session authentication
    (``pontis.accounts.api_auth.SessionAuth``); bearer tokens are issued to people who already passed it.
    """
    return (
        user is not None and user.is_authenticated and not settings.PONTIS_RELAX_MFA and user.needs_mfa and not user_has_mfa(user)
    )


class RequireMFAMiddleware:
    """A person holding an MFA role without TOTP set up is sent to set it up before anything else.

    The demo may relax this (``PONTIS_RELAX_MFA``); the base layout then shows a banner saying so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(EXEMPT_PREFIXES) and mfa_missing(user):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """A signed-in person reads the application in their preferred language.

    The language switcher sets a cookie, and an explicit choice made there wins; without that cookie the
    profile's language applies (the browser's Accept-Language only decides for visitors).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


SESSION_TOUCHED_KEY = "_pontis_touched"


class SessionRefreshMiddleware:
    """Idle sessions expire after ``SESSION_COOKIE_AGE``; a person at work keeps theirs, without a database write
    on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` rewrote the session row on every page and API call (an UPDATE per request,
    the busiest row-level write of the whole application under load). Instead, a signed-in session is saved, which
    moves its expiry forward, only when it was last saved more than ``PONTIS_SESSION_REFRESH_SECONDS`` ago (default
    300): an idle session still ends between ``SESSION_COOKIE_AGE`` minus that interval and ``SESSION_COOKIE_AGE``.
    Placed right after Django's SessionMiddleware, which writes the session when the response leaves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:  # never creates a session for a visitor without one
            now = int(time.time())
            touched = session.get(SESSION_TOUCHED_KEY)
            if not isinstance(touched, int) or now - touched >= settings.PONTIS_SESSION_REFRESH_SECONDS:
                if session.get("_auth_user_id") is not None:
                    session[SESSION_TOUCHED_KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)
