import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.utils import translation

from pontis.core.http import client_ip, is_safe_next


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by staff, imports or the expert registration flow."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        """Sign-in throttling counts per client with the project's one reading of the proxy header."""
        return client_ip(request) or super().get_client_ip(request)

    def is_safe_url(self, url):
        """allauth's ``next`` after sign-in follows the same rule as every other ``next`` in Pontis."""
        return is_safe_next(context.request, url)

    def get_login_redirect_url(self, request):
        user = request.user
        if getattr(user, "language", None):
            translation.activate(user.language)
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up the first second factor right after signing in does not ask for the password again.

        Staff are sent to TOTP set-up as soon as they sign in; asking them to re-type the password they typed
        seconds ago adds nothing. Any later change (a second device, recovery codes, removing TOTP) and any
        set-up more than the reauthentication timeout after sign-in still asks.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = getattr(self, "request", None)
        if not required or app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return required
        records = get_authentication_records(request, request.user)
        signed_in_recently = bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
        first_factor_only = not Authenticator.objects.filter(user=request.user).exists()
        return not (signed_in_recently and first_factor_only)
