"""Registration, e-mail confirmation, profile edits, vetting transitions, unavailability."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontis.accounts.models import Role, User
from pontis.accounts.services import role_grant, user_create
from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.files import replace_file
from pontis.core.notifications import email_queue, notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.uploads import original_name, stored_name
from pontis.core.workflow import transition

from ..models import CvTextStatus, ExpertLanguage, ExpertProfile, Level, Unavailability
from ..tasks import enqueue_cv_text
from .cv import check_cv

CONFIRM_SALT = "pontis.experts.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
STALE_AFTER_DAYS = 365

PROFILE_FIELDS = {"given_name", "family_name", "gender", "nationality", "background", "institution_name",
                  "institution", "years_experience", "biography", "references"}
M2M_FIELDS = {"themes", "topics", "countries_experience", "regions_experience"}


def refresh_search_text(profile: ExpertProfile) -> None:
    """Rebuild the denormalised search columns: the profile's own texts, and its taxonomy tokens."""
    profile.search_text = profile.build_search_text()
    profile.taxonomy_text = profile.build_taxonomy_text()
    ExpertProfile.objects.filter(pk=profile.pk).update(search_text=profile.search_text,
                                                       taxonomy_text=profile.taxonomy_text)


def _set_languages(profile, languages):
    """``languages``: iterable of (Language, level). Replaces the profile's list."""
    seen = {}
    for language, level in languages or ():
        if level not in Level.values:
            raise ValidationFailed(_("Unknown language level %(level)s.") % {"level": level}, field="languages")
        seen[language.pk] = (language, level)
    profile.languages.all().delete()
    ExpertLanguage.objects.bulk_create(
        [ExpertLanguage(profile=profile, language=lang, level=level) for lang, level in seen.values()])


def _store_cv(profile, cv, ext: str) -> None:
    """Store the checked CV as cv-<id>.<ext> (the uploaded name is kept as data only) and queue its text extraction."""
    profile.cv_original_name = original_name(cv)
    replace_file(profile, "cv", cv, name=stored_name("cv", profile.pk, ext))
    profile.cv_text, profile.cv_text_status = "", CvTextStatus.PENDING
    profile.save(update_fields=["cv", "cv_original_name", "cv_text", "cv_text_status", "updated_at"])
    enqueue_cv_text(profile)


def _apply(profile, fields: dict, m2m: dict, languages, cv):
    for key, value in fields.items():
        if key in PROFILE_FIELDS:
            setattr(profile, key, value)
    ext = check_cv(cv) if cv else None  # type, size and archive limits, before anything opens the file
    if not profile.given_name.strip() or not profile.family_name.strip():
        raise ValidationFailed(_("Give your given name and family name."), field="given_name")
    profile.save()
    if cv:
        _store_cv(profile, cv, ext)
    for key, values in m2m.items():
        if key in M2M_FIELDS and values is not None:
            getattr(profile, key).set(values)
    if languages is not None:
        _set_languages(profile, languages)
    refresh_search_text(profile)


def confirmation_token(profile: ExpertProfile) -> str:
    return signing.dumps({"p": profile.pk, "e": profile.email}, salt=CONFIRM_SALT)


@transaction.atomic
def profile_register(*, email: str, consent_purpose: str, consent: bool, fields: dict, m2m: dict | None = None,
                     languages=None, unavailabilities=(), cv=None, language: str = "en") -> ExpertProfile:
    """Public self-registration: a profile in status ``registered`` and an e-mail with a signed confirmation link.

    Guarantees consent and its date are recorded. Raises ValidationFailed without consent or with a bad CV,
    Conflict if the address is already on the roster.
    """
    email = (email or "").strip().lower()
    if not email:
        raise ValidationFailed(_("An e-mail address is required."), field="email")
    if not consent:
        raise ValidationFailed(_("We can only keep your profile with your consent to the processing of your data."),
                               field="consent")
    if ExpertProfile.objects.filter(email__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("This e-mail address is already registered. Sign in, or reset your password."), field="email")
    now = timezone.now()
    profile = ExpertProfile(email=email, consent_purpose=consent_purpose, consent_given_at=now, reconfirmed_at=now)
    _apply(profile, fields, m2m or {}, languages, cv)
    for start, end, note in unavailabilities or ():
        _unavailability_create(profile, start, end, note)
    audit.record_create(profile, note="self-registration")
    link = reverse("experts:confirm", args=[confirmation_token(profile)])
    _send_confirmation(profile, link, language)
    return profile


def _send_confirmation(profile, link, language):
    with translation.override(language):
        subject = _("Confirm your expert registration")
        body = _("Open this link within seven days to confirm your e-mail address and choose a password:\n%(url)s") % {
            "url": settings.PONTIS_SITE_URL.rstrip("/") + link}
    # Through the outbox: sent once by a task, after the registration commits.
    email_queue(key=f"expert-registration-confirm-{profile.pk}", to=[profile.email], subject=subject, body=body)


@transaction.atomic
def profile_confirm_email(*, token: str) -> ExpertProfile:
    """Confirm the address behind a signed link: create the account (no password yet) and grant the expert role.

    Idempotent: a second click answers the same profile. Raises ValidationFailed for a bad or expired link.
    """
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationFailed(_("This confirmation link has expired. Register again or contact the facility."))
    except signing.BadSignature:
        raise ValidationFailed(_("This confirmation link is not valid."))
    profile = ExpertProfile.objects.select_for_update().filter(pk=data.get("p"), email=data.get("e")).first()
    if profile is None or profile.anonymised_at:
        raise ValidationFailed(_("This confirmation link is not valid."))
    if profile.user_id is None:
        user = User.objects.filter(email__iexact=profile.email).first() or user_create(
            email=profile.email, given_name=profile.given_name, family_name=profile.family_name)
        role_grant(user=user, role=Role.EXPERT)
        profile.user = user
        profile.email_confirmed_at = timezone.now()
        profile.save(update_fields=["user", "email_confirmed_at", "updated_at"])
        audit.record(profile, action="update", by=user, changes={"email_confirmed_at": [None, str(profile.email_confirmed_at)]},
                     note="e-mail confirmed")
    return profile


@transaction.atomic
def profile_update(*, profile: ExpertProfile, by, fields: dict, m2m: dict | None = None, languages=None,
                   cv=None) -> ExpertProfile:
    """Edit a profile (the expert or staff); an edit by the expert counts as their yearly re-confirmation.

    Raises NotAllowed, ValidationFailed (bad CV, empty names).
    """
    ensure(by, "change", profile)
    if profile.anonymised_at:
        raise IllegalTransition(_("This profile was anonymised and can no longer be edited."))
    before = audit.snapshot(profile)
    if by.pk == profile.user_id:
        profile.reconfirmed_at = timezone.now()
    _apply(profile, fields, m2m or {}, languages, cv)
    audit.record_update(profile, by=by, before=before)
    return profile


@transaction.atomic
def profile_reconfirm(*, profile: ExpertProfile, by) -> ExpertProfile:
    """The expert confirms their profile is up to date (the yearly reminder's answer)."""
    ensure(by, "change", profile)
    before = audit.snapshot(profile, fields=["reconfirmed_at"])
    profile.reconfirmed_at = timezone.now()
    profile.save(update_fields=["reconfirmed_at", "updated_at"])
    audit.record_update(profile, by=by, before=before, note="profile re-confirmed")
    return profile


TRANSITION_VERBS = {
    "vetted": gettext_lazy("Mark as vetted"),
    "active": gettext_lazy("Activate"),
    "inactive": gettext_lazy("Deactivate"),
}


@transaction.atomic
def profile_transition(*, profile: ExpertProfile, to: str, by, note: str = "") -> ExpertProfile:
    """Move a profile along registered -> vetted -> active -> inactive (and back to active), with vetting notes.

    Raises NotAllowed (not staff), IllegalTransition (not allowed from the current status, or anonymised).
    """
    ensure(by, "vet", profile)
    profile = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.anonymised_at:
        raise IllegalTransition()
    notes = profile.vetting_notes
    if note.strip():
        stamp = timezone.localdate().isoformat()
        notes = (notes + "\n" if notes else "") + f"{stamp} {by.email}: {note.strip()}"
    transition(profile, to=to, by=by, note=note, vetting_notes=notes)
    if profile.user_id and to in ("vetted", "active"):
        notify(recipients=[profile.user], event="experts.profile_status", params={"profile": profile.pk, "status": to},
               target=profile, url=reverse("experts:me"), dedupe_key=f"expert-status-{profile.pk}-{to}-{timezone.localdate()}")
    return profile


def _unavailability_create(profile, start, end, note=""):
    if not start or not end or end < start:
        raise ValidationFailed(_("The end of an unavailability period must not be before its start."), field="end_date")
    return Unavailability.objects.create(profile=profile, start_date=start, end_date=end, note=note[:200])


@transaction.atomic
def unavailability_add(*, profile: ExpertProfile, by, start_date: datetime.date, end_date: datetime.date,
                       note: str = "", idempotency_key: str | None = None) -> Unavailability:
    """Declare a period when the expert cannot be deployed; the same ``idempotency_key`` twice answers the
    period the first call declared. Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", profile)
    claim = creation_claim(scope="experts.unavailability_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    period = _unavailability_create(profile, start_date, end_date, note)
    audit.record_create(period, by=by)
    return claim.fulfil(period)


@transaction.atomic
def unavailability_remove(*, period: Unavailability, by) -> None:
    ensure(by, "change", period.profile)
    audit.record_delete(period, by=by)
    period.delete()


def profiles_stale(today=None):
    """Profiles not confirmed for a year (flagged to staff, reminded by the yearly task)."""
    today = today or timezone.localdate()
    limit = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    return ExpertProfile.objects.filter(anonymised_at__isnull=True).exclude(status="inactive").filter(
        reconfirmed_at__lt=limit) | ExpertProfile.objects.filter(anonymised_at__isnull=True, reconfirmed_at__isnull=True).exclude(status="inactive")


def profiles_remind_reconfirmation() -> int:
    """Ask each stale expert with an account to update their profile; at most once a year each (dedupe key)."""
    count = 0
    year = timezone.localdate().year
    for profile in profiles_stale().filter(user__isnull=False).select_related("user").iterator(chunk_size=500):
        with transaction.atomic():
            sent = notify(recipients=[profile.user], event="experts.reconfirm", params={"profile": profile.pk},
                          target=profile, url=reverse("experts:me"), dedupe_key=f"expert-reconfirm-{profile.pk}-{year}")
        count += len(sent)
    return count
