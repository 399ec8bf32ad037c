"""Staff and committee roles must sign in with a second factor (TOTP)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/api/", "/media/")


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """A person holding an MFA role without TOTP set up is sent to set it up before anything else.

    The demo may relax this (``PONTIS_RELAX_MFA``); the base layout then shows a banner saying so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not settings.PONTIS_RELAX_MFA
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user.needs_mfa
            and not user_has_mfa(user)
        ):
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
        from django.utils import translation

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
