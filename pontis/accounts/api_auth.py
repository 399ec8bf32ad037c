"""How the API knows who is calling: a bearer token, or the signed-in browser session (with CSRF)."""

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
