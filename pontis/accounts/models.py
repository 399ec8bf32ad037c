"""People, institutions, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import AuthorityType, Country, TimeStampedModel
from pontis.core.roles import MFA_ROLES, STAFF_ROLES, Role

# Role, STAFF_ROLES and MFA_ROLES are core's (pontis.core.roles); imported above so existing imports keep working.


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. E-mail is the identifier; roles say what they may do."""

    email = models.EmailField(_("e-mail address"), unique=True)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    language = models.CharField(_("preferred language"), max_length=5, choices=settings.LANGUAGES, default="en")
    # An IANA zone name (Europe/Brussels); empty: the browser's zone, else the site's.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["family_name", "given_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return " ".join(p for p in (self.given_name, self.family_name) if p).strip()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.given_name or self.email

    @cached_property
    def role_assignments(self):
        return list(self.roles.select_related("institution", "country").all())

    @cached_property
    def role_codes(self) -> set[str]:
        codes = {a.role for a in self.role_assignments}
        if self.is_superuser:
            codes.add(Role.ADMIN)
        return codes

    def has_role(self, role) -> bool:
        return self.is_active and role in self.role_codes

    def has_any_role(self, *roles) -> bool:
        return self.is_active and bool(self.role_codes & set(roles))

    @property
    def is_facility_staff(self) -> bool:
        return self.has_any_role(*STAFF_ROLES)

    @property
    def needs_mfa(self) -> bool:
        return self.has_any_role(*MFA_ROLES)

    @cached_property
    def focal_institution_ids(self) -> set[int]:
        return {a.institution_id for a in self.role_assignments if a.role == Role.FOCAL_POINT and a.institution_id}

    @cached_property
    def delegation_country_ids(self) -> set[int]:
        """The partner countries this person's EU Delegation role covers (empty for everyone else)."""
        return {a.country_id for a in self.role_assignments if a.role == Role.DELEGATION and a.country_id}

    def forget_cached_roles(self):
        for attr in ("role_assignments", "role_codes", "focal_institution_ids", "delegation_country_ids"):
            self.__dict__.pop(attr, None)


class Institution(TimeStampedModel):
    """A ministry, agency, municipality, regional organisation, NGO, university..."""

    name = TranslatedField(_("name"), blank=False, max_length_per_language=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="institutions",
        help_text=_("Empty for regional organisations spanning several countries."),
    )
    type = models.ForeignKey(AuthorityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="institutions")
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="institutions", verbose_name=_("people"), blank=True
    )

    class Meta:
        ordering = ["acronym", "id"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        name = translate(self.name)
        return f"{name} ({self.acronym})" if self.acronym else str(name)

    @property
    def label(self):
        return translate(self.name)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "institution"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.institution}"


class RoleAssignment(models.Model):
    """One role held by one person; a focal point's role is tied to an institution."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    # An EU Delegation's role is tied to the partner country it covers.
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "institution"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(institution__isnull=True, country__isnull=True),
                name="role_assignment_unique_global",
            ),
            # A Delegation may cover several countries (a regional Delegation), each once.
            models.UniqueConstraint(
                fields=["user", "role", "country"], condition=models.Q(country__isnull=False),
                name="role_assignment_unique_country",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="focal_point") | models.Q(institution__isnull=False),
                name="focal_point_has_institution",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="delegation") | models.Q(country__isnull=False),
                name="delegation_has_country",
            ),
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        label = self.get_role_display()
        if self.institution_id:
            return f"{label} – {self.institution}"
        return f"{label} – {self.country}" if self.country_id else str(label)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the secret is shown once."""

    PREFIX = "pnt_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    # The digest is never audited (core.audit's rule); last use is noise, not a change.
    audit_exclude = frozenset({"last_used_at"})

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.key_prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """Return (raw token, display prefix, digest)."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, raw[: len(cls.PREFIX) + 6], cls.hash(raw)

    @property
    def is_active(self):
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
