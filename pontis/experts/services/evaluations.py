"""Evaluations after a deployment: staff and the partner focal point rate the expert; the expert rates the organisation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.permissions import ensure
from pontis.core.roles import is_staff

from ..models import Deployment, Evaluation, OrganisationFeedback


def _rating(name, value):
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationFailed(_("Give a rating from 1 to 5."), field=name)
    return value


def _check_done(deployment):
    if deployment.status == Deployment.Status.CANCELLED or deployment.start_date > timezone.localdate():
        raise IllegalTransition(_("A deployment can be evaluated once it has taken place."))


@transaction.atomic
def evaluation_submit(*, deployment: Deployment, by, expertise, communication, adaptation, comments: str = "") -> Evaluation:
    """Record one evaluation of the expert per side (staff, partner focal point) for a deployment that took place.

    Raises NotAllowed, IllegalTransition (cancelled or not yet started), ValidationFailed (ratings), Conflict (already done).
    """
    ensure(by, "evaluate", deployment)
    _check_done(deployment)
    kind = Evaluation.By.STAFF if is_staff(by) else Evaluation.By.FOCAL_POINT
    values = {"expertise": _rating("expertise", expertise), "communication": _rating("communication", communication),
              "adaptation": _rating("adaptation", adaptation)}
    if Evaluation.objects.filter(deployment=deployment, evaluator_kind=kind).exists():
        raise Conflict(_("This deployment has already been evaluated from your side."))
    evaluation = Evaluation.objects.create(deployment=deployment, evaluator=by, evaluator_kind=kind,
                                           comments=(comments or "").strip()[:4000], **values)
    audit.record_create(evaluation, by=by)
    return evaluation


@transaction.atomic
def organisation_feedback_submit(*, deployment: Deployment, by, rating, comments: str = "") -> OrganisationFeedback:
    """The expert rates the activity's organisation once. Raises NotAllowed, IllegalTransition, ValidationFailed, Conflict."""
    ensure(by, "give_feedback", deployment)
    _check_done(deployment)
    value = _rating("rating", rating)
    if OrganisationFeedback.objects.filter(deployment=deployment).exists():
        raise Conflict(_("You have already given your feedback on this activity."))
    feedback = OrganisationFeedback.objects.create(deployment=deployment, rating=value, comments=(comments or "").strip()[:4000])
    audit.record_create(feedback, by=by)
    return feedback
