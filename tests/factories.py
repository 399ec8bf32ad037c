"""Factories for the foundation's models. Apps keep their own factories next to their tests."""

import factory

from pontis.accounts.models import Institution, User
from pontis.core.models import AuthorityType, Country


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: {"en": f"Ministry of Interior {n}"})
    acronym = factory.Sequence(lambda n: f"MOI{n}")
    country = factory.LazyFunction(lambda: Country.objects.get(code="CV"))
    type = factory.LazyFunction(lambda: AuthorityType.objects.get(code="national_government"))


PASSWORD = "correct horse battery"


def give_totp(user, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
    """Set up TOTP for ``user`` (as if they had scanned the QR code); answers the secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret


def user_with_role(role, institution=None, mfa=True, **kwargs):
    """A saved user holding ``role`` (tied to ``institution`` for focal points), password ``PASSWORD``.

    Staff and committee roles get TOTP set up (``mfa=False`` to leave it out), since they cannot work without it.
    """
    from pontis.accounts.models import MFA_ROLES
    from pontis.accounts.services import role_grant

    user = UserFactory(**kwargs)
    if role == "focal_point" and institution is None:
        institution = InstitutionFactory()
    role_grant(user=user, role=role, institution=institution)
    user.forget_cached_roles()
    if mfa and role in MFA_ROLES:
        give_totp(user)
    return user


def fresh_totp_code(secret: str, margin: float = 4.0) -> str:
    """The TOTP code an authenticator app shows for ``secret``, with at least ``margin`` seconds left.

    A code read in the last moment of its period reaches the server in the next one and is refused
    (allauth allows no clock drift by default), so wait for the next period when this one is ending.
    """
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - (time.time() % period)
    if left < margin:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
