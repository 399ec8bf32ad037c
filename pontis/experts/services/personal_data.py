"""Personal data: the expert's own export, erasure requests, and anonymisation by staff."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core import audit
from pontis.core.errors import IllegalTransition
from pontis.core.files import clear_file, delete_on_commit
from pontis.core.notifications import notify, outbox_forget
from pontis.core.permissions import ensure

from ..models import Evaluation, ExpertProfile


def profile_export_data(*, profile: ExpertProfile, by) -> dict:
    """Everything the roster holds about the expert, as JSON-ready data. Raises NotAllowed for anyone but them."""
    ensure(by, "export_own", profile)
    audit.record(profile, action="access", by=by, note="personal data export")
    deployments = profile.deployments.select_related("activity__action").prefetch_related("evaluations")
    return {
        "profile": {
            "email": profile.email, "given_name": profile.given_name, "family_name": profile.family_name,
            "gender": profile.gender, "nationality": profile.nationality.code if profile.nationality_id else None,
            "background": profile.background, "institution": profile.institution_name,
            "years_experience": profile.years_experience, "biography": profile.biography,
            "references": profile.references, "status": profile.status,
            "registered_on": profile.registered_on.isoformat(),
            "consent": {"purpose": profile.consent_purpose,
                        "given_at": profile.consent_given_at.isoformat() if profile.consent_given_at else None},
            "languages": [{"language": el.language.code, "level": el.level} for el in profile.languages.select_related("language")],
            "thematic_areas": [t.code for t in profile.themes.all()],
            "topics": [t.code for t in profile.topics.all()],
            "countries_of_experience": [c.code for c in profile.countries_experience.all()],
            "regions_of_experience": [r.code for r in profile.regions_experience.all()],
            "cv_file_name": profile.cv_original_name,
            "cv_text": profile.cv_text,
            "unavailability": [{"from": u.start_date.isoformat(), "until": u.end_date.isoformat(), "note": u.note}
                               for u in profile.unavailabilities.all()],
        },
        "invitations": [{"activity": str(i.activity), "status": i.status, "reason": i.reason,
                         "from": i.start_date.isoformat(), "until": i.end_date.isoformat()}
                        for i in profile.invitations.select_related("activity__action")],
        "deployments": [{
            "activity": str(d.activity), "role": d.role, "from": d.start_date.isoformat(), "until": d.end_date.isoformat(),
            "days": str(d.days), "status": d.status,
            "evaluations": [{"by": e.evaluator_kind, "expertise": e.expertise, "communication": e.communication,
                             "adaptation": e.adaptation, "comments": e.comments} for e in d.evaluations.all()],
        } for d in deployments],
    }


@transaction.atomic
def erasure_request(*, profile: ExpertProfile, by, reason: str = "") -> ExpertProfile:
    """The expert asks for their data to be erased; staff are told and act on it (anonymisation)."""
    ensure(by, "request_erasure", profile)
    if profile.anonymised_at:
        raise IllegalTransition(_("This profile has already been anonymised."))
    if profile.erasure_requested_at is None:
        profile.erasure_requested_at = timezone.now()
        profile.erasure_reason = (reason or "").strip()[:2000]
        profile.save(update_fields=["erasure_requested_at", "erasure_reason", "updated_at"])
        audit.record(profile, action="update", by=by, note="erasure requested")
        staff = User.objects.filter(roles__role__in=[Role.ADMIN, Role.OFFICER], is_active=True).distinct()
        notify(recipients=list(staff), event="experts.erasure_requested", params={"profile": profile.pk},
               target=profile, url=reverse("experts:profile", args=[profile.pk]), dedupe_key=f"expert-erasure-{profile.pk}")
    return profile


@transaction.atomic
def profile_anonymise(*, profile: ExpertProfile, by) -> ExpertProfile:
    """Remove personal data for good while keeping deployment statistics.

    Kept: gender, nationality, background, status history, deployments and ratings (without comments).
    Removed: names, e-mail, institution, biography, references, CV and its text, languages, unavailability,
    decline reasons and evaluation comments; the account is deactivated. Raises NotAllowed, IllegalTransition.
    """
    ensure(by, "anonymise", profile)
    profile = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.anonymised_at:
        raise IllegalTransition(_("This profile has already been anonymised."))
    user = profile.user
    traces = _personal_traces(profile, user)
    clear_file(profile, "cv")  # deleted once this commits
    profile.email = f"anonymised-{profile.pk}@invalid"
    profile.given_name = _("Anonymised")
    profile.family_name = f"#{profile.pk}"
    for field in ("institution_name", "biography", "references", "cv_text", "cv_original_name", "vetting_notes",
                  "erasure_reason", "consent_purpose", "search_text", "taxonomy_text"):
        setattr(profile, field, "")
    profile.institution = None
    profile.years_experience = None
    profile.status = ExpertProfile.Status.INACTIVE
    profile.anonymised_at = timezone.now()
    profile.user = None
    profile.save()
    profile.languages.all().delete()
    profile.unavailabilities.all().delete()
    profile.countries_experience.clear()
    profile.regions_experience.clear()
    profile.invitations.update(reason="", message="")
    Evaluation.objects.filter(deployment__profile=profile).update(comments="")
    if user is not None:
        user.is_active = False
        user.email = f"anonymised-user-{user.pk}@invalid"
        user.given_name = user.family_name = user.phone = user.position = ""
        user.set_unusable_password()
        user.save()
    _erase_traces(profile, user, traces)
    # The audit row says that it happened, not what was removed.
    audit.record(profile, action="update", by=by, note="anonymised")
    return profile


# Change keys whose every earlier value is the person's data: replaced whole in the audit trail on erasure.
PERSONAL_FIELDS = ("email", "given_name", "family_name", "phone", "position", "institution_name", "biography",
                   "references", "cv_text", "cv_original_name", "vetting_notes", "erasure_reason", "consent_purpose",
                   "search_text", "taxonomy_text", "reason", "message", "comments", "note")


def _personal_traces(profile, user) -> dict:
    """Before anything is removed: the rows' objects, the strings that name the person, every CV file they held."""
    objects = [profile, user, *profile.unavailabilities.all(), *profile.invitations.all(),
               *profile.deployments.all(), *profile.shortlistings.all(), *profile.languages.all(),
               *Evaluation.objects.filter(deployment__profile=profile)]
    values = [profile.email, profile.given_name, profile.family_name, profile.full_name]
    if user is not None:
        values += [user.email, user.given_name, user.family_name, user.phone,
                   f"{user.given_name} {user.family_name}".strip()]
    cv_names = {name for name in audit.recorded_values([profile], "cv") if isinstance(name, str)}
    if profile.cv:
        cv_names.add(profile.cv.name)
    emails = [profile.email] + ([user.email] if user is not None else [])
    return {"objects": objects, "values": values, "cv_names": cv_names, "emails": emails}


def _erase_traces(profile, user, traces) -> None:
    """Put the pseudonym in place of the person's data in every audit row about them, forget their address in the
    e-mail outbox, and delete every CV file they ever uploaded (the current one and the earlier ones the trail
    remembers), once this commits."""
    audit.erase_person(objects=traces["objects"], pseudonym=str(profile), values=traces["values"],
                       fields=PERSONAL_FIELDS, actor=user)
    outbox_forget(addresses=traces["emails"])
    storage = ExpertProfile._meta.get_field("cv").storage
    names = traces["cv_names"]
    # A name freed by an earlier deletion may since hold someone else's CV (old names were not per profile).
    taken = set(ExpertProfile.objects.filter(cv__in=names).exclude(pk=profile.pk).values_list("cv", flat=True))
    for name in sorted(names - taken):
        delete_on_commit(storage, name)
