"""Personal data: the expert's own export, erasure requests, and anonymisation by staff."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontis.accounts.models import Role, User
from pontis.core import audit
from pontis.core.errors import IllegalTransition
from pontis.core.notifications import notify
from pontis.core.permissions import ensure

from ..models import ExpertProfile


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
        notify(recipients=list(staff), subject=gettext_lazy("An expert asks for their data to be erased"),
               url=reverse("experts:profile", args=[profile.pk]), dedupe_key=f"expert-erasure-{profile.pk}")
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
    if profile.cv:
        profile.cv.delete(save=False)
    profile.email = f"anonymised-{profile.pk}@invalid"
    profile.given_name = _("Anonymised")
    profile.family_name = f"#{profile.pk}"
    for field in ("institution_name", "biography", "references", "cv_text", "vetting_notes", "erasure_reason",
                  "consent_purpose", "search_text", "taxonomy_text"):
        setattr(profile, field, "")
    profile.institution = None
    profile.years_experience = None
    profile.cv = ""
    profile.status = ExpertProfile.Status.INACTIVE
    profile.anonymised_at = timezone.now()
    user = profile.user
    profile.user = None
    profile.save()
    profile.languages.all().delete()
    profile.unavailabilities.all().delete()
    profile.countries_experience.clear()
    profile.regions_experience.clear()
    profile.invitations.update(reason="", message="")
    from ..models import Evaluation

    Evaluation.objects.filter(deployment__profile=profile).update(comments="")
    if user is not None:
        user.is_active = False
        user.email = f"anonymised-user-{user.pk}@invalid"
        user.given_name = user.family_name = user.phone = user.position = ""
        user.set_unusable_password()
        user.save()
    # The audit row says that it happened, not what was removed.
    audit.record(profile, action="update", by=by, note="anonymised")
    return profile
