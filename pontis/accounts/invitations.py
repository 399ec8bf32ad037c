"""The e-mail that welcomes a person whose account the facility created, with a link to choose a password.

People pages and the admin site create accounts without a password (nobody types someone else's password). The
person gets one e-mail, in their own language, with a link that works once: the token is Django's password-reset
token under its own salt, so it changes as soon as a password is set (or the person signs in), and it is refused
after ``INVITATION_MAX_AGE``. A reset token from "Forgot your password?" does not open this page, nor the reverse.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.models import OutboxEmail
from pontis.core.notifications import email_queue

from .models import User

INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds: a week to open the e-mail and choose a password
INVITATION_DAYS = INVITATION_MAX_AGE // (24 * 3600)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token (bound to the password hash and the last sign-in) with its own salt and age."""

    key_salt = "pontis.accounts.invitation"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > INVITATION_MAX_AGE:
            return False
        return any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks])


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    """The site-relative address of the "choose your password" page for ``user`` (a fresh token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:welcome", args=[uid, invitation_tokens.make_token(user)])


def invitation_user(uidb64: str, token: str) -> User | None:
    """The person behind a welcome link, or None when the link is wrong, used or too old."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not invitation_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def account_invitation_send(*, user: User, by) -> bool:
    """Queue the welcome e-mail for an account the facility created (once per person, whoever asks again).

    Written in the person's preferred language; leaves after the transaction commits. Answers whether an e-mail
    was queued now (False: it had been queued before, or the account already has a password).
    """
    if user.has_usable_password() or not user.is_active:
        return False
    key = f"account-invitation-{user.pk}"
    if OutboxEmail.objects.filter(key=key).exists():
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "url": settings.PONTIS_SITE_URL.rstrip("/") + invitation_path(user),
                   "days": INVITATION_DAYS, "sign_in_url": settings.PONTIS_SITE_URL.rstrip("/") + reverse("account_login")}
        subject = _("Your Pontis account is ready: choose your password")
        body = render_to_string("accounts/email/invitation.txt", context)
    email_queue(key=key, to=[user.email], subject=subject, body=body)
    audit.record(user, action="update", by=by, note="invitation e-mail to choose a password")
    return True


@transaction.atomic
def account_password_choose(*, user: User, password: str) -> User:
    """The person sets their first password from the welcome link (validated by the form); the link then stops
    working, because the token is bound to the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(user, action="update", by=user, note="password chosen from the invitation e-mail")
    return user
