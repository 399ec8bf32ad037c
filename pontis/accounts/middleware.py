"""Staff and committee roles must sign in with a second factor (TOTP)."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/api/", "/media/")


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_missing(user) -> bool:
    """True when a signed-in person holds a role that needs two-factor sign-in and has not set it up.

    The one rule for pages (RequireMFAMiddleware) and for the API's session authentication
    (``pontis.accounts.api_auth.SessionAuth``); bearer tokens are issued to people who already passed it.
    """
    return (
        user is not None
        and user.is_authenticated
        and not settings.PONTIS_RELAX_MFA
        and user.needs_mfa
        and not user_has_mfa(user)
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
