"""How the API knows who is calling: a bearer token, or the signed-in browser session (with CSRF)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer

from pontis.core.errors import NotAllowed

from .middleware import mfa_missing
from .services import api_token_authenticate


class MFARequired(NotAllowed):
    default_message = _("Set up two-factor sign-in before using the API from this session.")


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; tokens are looked up by their SHA-256 digest."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        return session_user(request)


def session_user(request):
    """The person signed in by the browser session, or None.

    Raises ``MFARequired`` (403) for a person whose role needs two-factor sign-in and who has not set it up:
    the API must not be a way around what the pages enforce (``RequireMFAMiddleware``).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if mfa_missing(user):
        raise MFARequired(code="mfa_required")
    return user


def anonymous_visitor(request):
    """Last in an optional auth chain: a caller without credentials goes on as an anonymous visitor (who then sees
    public things only). A caller who sent an Authorization header that the token check refused is not let through."""
    if request.headers.get("Authorization"):
        return None
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        request.user = AnonymousUser()
    return request.user


def optional_auth() -> list:
    """The auth chain of routes open to visitors: a bearer token, else the browser session, else anonymous."""
    return [BearerToken(), session_user, anonymous_visitor]


# An operation open to visitors says so in the OpenAPI document: a token, or nothing.
OPTIONAL_AUTH = {"security": [{"BearerToken": []}, {}]}
