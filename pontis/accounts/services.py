"""Every write to people, institutions, roles and API tokens."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, ValidationFailed
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure

from .models import ApiToken, Institution, Membership, Role, RoleAssignment, User


@transaction.atomic
def user_create(*, email: str, password: str | None = None, given_name: str = "", family_name: str = "",
                language: str = "en", by=None, idempotency_key: str | None = None, **extra) -> User:
    """Create a person. The same ``idempotency_key`` twice (from ``by``) answers the person the first call created.

    Raises Conflict if the e-mail address is taken (case-insensitive).
    """
    claim = creation_claim(scope="accounts.user_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    email = (email or "").strip().lower()
    if not email:
        raise ValidationFailed(_("An e-mail address is required."), field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("Someone already uses this e-mail address."), field="email")
    user = User.objects.create_user(email=email, password=password, given_name=given_name, family_name=family_name,
                                    language=language, **extra)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit.record_create(user, by=by)
    return claim.fulfil(user)


@transaction.atomic
def role_grant(*, user: User, role: str, institution: Institution | None = None, country=None, by=None) -> RoleAssignment:
    """Give ``user`` a role (idempotent). A focal point's role needs an institution, an EU Delegation's a country."""
    if by is not None:
        ensure(by, "manage_roles", User)
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    if role == Role.FOCAL_POINT and institution is None:
        raise ValidationFailed(_("A partner focal point must be tied to an institution."), field="institution")
    if role == Role.DELEGATION and country is None:
        raise ValidationFailed(_("An EU Delegation must be tied to the country it covers."), field="country")
    if role != Role.FOCAL_POINT:
        institution = None
    if role != Role.DELEGATION:
        country = None
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, institution=institution,
                                                               country=country)
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True  # administrators edit reference data in the admin site
        user.save(update_fields=["is_staff"])
    if created:
        audit.record(user, action="update", by=by, changes={"roles": [None, str(assignment)]}, note="role granted")
        if institution is not None:
            Membership.objects.get_or_create(user=user, institution=institution)
    user.forget_cached_roles()
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, by) -> None:
    ensure(by, "manage_roles", User)
    user = assignment.user
    audit.record(user, action="update", by=by, changes={"roles": [str(assignment), None]}, note="role revoked")
    assignment.delete()
    user.forget_cached_roles()


@transaction.atomic
def institution_create(*, by=None, name: dict, type, country=None, acronym: str = "", website: str = "",
                       idempotency_key: str | None = None) -> Institution:
    """Add an institution. The same ``idempotency_key`` twice answers the institution the first call added.

    Raises NotAllowed, ValidationFailed (no name).
    """
    if by is not None:
        ensure(by, "create", Institution)
    claim = creation_claim(scope="accounts.institution_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if not name:
        raise ValidationFailed(_("An institution needs a name."), field="name")
    institution = Institution.objects.create(name=name, type=type, country=country, acronym=acronym, website=website)
    audit.record_create(institution, by=by)
    return claim.fulfil(institution)


@transaction.atomic
def institution_update(*, institution: Institution, by, **fields) -> Institution:
    ensure(by, "change", institution)
    with audit.tracking(institution, by=by):
        for key, value in fields.items():
            setattr(institution, key, value)
        institution.full_clean()
        institution.save()
    return institution


@transaction.atomic
def membership_add(*, user: User, institution: Institution, position: str = "", by=None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, institution=institution, defaults={"position": position})
    if created:
        audit.record_create(membership, by=by)
    return membership


@transaction.atomic
def api_token_issue(*, user: User, name: str = "", by=None, expires_at=None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; answer the token row and the raw secret (shown once, never stored)."""
    if by is not None and by != user:
        ensure(by, "manage_roles", User)
    for _attempt in range(3):
        raw, prefix, digest = ApiToken.generate()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(user=user, name=name[:100], key_prefix=prefix, digest=digest,
                                                expires_at=expires_at)
            break
        except IntegrityError:  # pragma: no cover - a 256-bit collision
            continue
    audit.record_create(token, by=by or user)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    if by != token.user:
        ensure(by, "manage_roles", User)
    if token.revoked_at is None:
        before = audit.snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_update(token, by=by, before=before, note="revoked")
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None. Records when it was last used (at most once a minute)."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.active().select_related("user").filter(digest=ApiToken.hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_update_profile(*, user: User, by, **fields) -> User:
    if by != user:
        ensure(by, "manage_roles", User)
    allowed = {"given_name", "family_name", "position", "phone", "language", "time_zone"}
    with audit.tracking(user, by=by):
        for key, value in fields.items():
            if key in allowed:
                setattr(user, key, value)
        user.full_clean(exclude=["password"])
        user.save()
    return user
