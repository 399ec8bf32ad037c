"""How the API knows who is calling: a bearer token, or the signed-in browser session (with CSRF)."""

from ninja.security import APIKeyCookie, HttpBearer

from .services import api_token_authenticate


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
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None
