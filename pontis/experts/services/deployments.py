"""Shortlists, invitations and deployments, with the no-double-booking rule and conflict-of-interest flags."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.notifications import email_queue, notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import check_transition, transition

from ..models import Deployment, DeploymentRole, ExpertProfile, Invitation, Shortlist, Unavailability
from ..selectors import invitation_details

INVITE_SALT = "pontis.experts.invitation"
INVITE_MAX_AGE = 60 * 24 * 3600


def _invitation_params(invitation: Invitation, **extra) -> dict:
    """The parameters of an invitation's news (pontis/experts/news.py): plain values, worded when read."""
    activity = invitation.activity
    return {"invitation": invitation.pk, "profile": invitation.profile_id, "code": activity.action.code,
            "sequence": activity.sequence, "activity_title": activity.title if translate(activity.title) else activity.type.name,
            "start": invitation.start_date.isoformat() if invitation.start_date else "",
            "end": invitation.end_date.isoformat() if invitation.end_date else "", **extra}


def booking_conflicts(profile: ExpertProfile, start: datetime.date, end: datetime.date, exclude_pk=None) -> list[str]:
    """Why the expert cannot be confirmed on these dates: overlapping deployments and declared unavailability."""
    problems = []
    overlapping = Deployment.objects.filter(profile=profile, status__in=("confirmed", "completed"),
                                            start_date__lte=end, end_date__gte=start).select_related("activity__action")
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    for dep in overlapping:
        problems.append(_("already deployed on %(activity)s from %(start)s to %(end)s") % {
            "activity": dep.activity, "start": date_format(dep.start_date), "end": date_format(dep.end_date)})
    for period in Unavailability.objects.filter(profile=profile, start_date__lte=end, end_date__gte=start):
        problems.append(_("declared unavailable from %(start)s to %(end)s") % {
            "start": date_format(period.start_date), "end": date_format(period.end_date)})
    return problems


def conflict_of_interest(profile: ExpertProfile, activity) -> str:
    """A note when the expert works for a partner (requesting) institution of the activity's Action, else ''."""
    if profile.institution_id and activity.action.partners.filter(institution_id=profile.institution_id).exists():
        return _("The expert works for a partner institution of this Action.")
    return ""


def _check_dates(start, end):
    if start is None or end is None:
        raise ValidationFailed(_("Give the start and end dates."), field="start_date")
    if end < start:
        raise ValidationFailed(_("The end date must not be before the start date."), field="end_date")


def _default_days(start, end) -> Decimal:
    return Decimal((end - start).days + 1)


@transaction.atomic
def shortlist_add(*, activity, profile: ExpertProfile, by, note: str = "") -> Shortlist:
    """Put an expert on an activity's shortlist (idempotent). Raises NotAllowed, IllegalTransition (not active)."""
    ensure(by, "create", Invitation)
    if profile.status != ExpertProfile.Status.ACTIVE:
        raise IllegalTransition(_("Only active experts can be shortlisted."))
    row, created = Shortlist.objects.get_or_create(activity=activity, profile=profile,
                                                   defaults={"added_by": by, "note": note[:300]})
    if created:
        audit.record_create(row, by=by)
    return row


@transaction.atomic
def shortlist_remove(*, row: Shortlist, by) -> None:
    ensure(by, "create", Invitation)
    audit.record_delete(row, by=by)
    row.delete()


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "p": invitation.profile_id}, salt=INVITE_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation behind a signed e-mail link. Raises ValidationFailed for a bad or expired link."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed(_("This invitation link is not valid or has expired. Sign in to answer."))
    invitation = Invitation.objects.select_related("profile", "activity__action").filter(
        pk=data.get("i"), profile_id=data.get("p")).first()
    if invitation is None:
        raise ValidationFailed(_("This invitation link is not valid or has expired. Sign in to answer."))
    return invitation


RESPOND_WITHIN_DAYS = 7  # the answer is asked within a week, and before the activity starts


def default_respond_by(start_date, today=None) -> datetime.date:
    """A week from today, but no later than the day before the activity starts (and never before today)."""
    today = today or timezone.localdate()
    respond_by = today + datetime.timedelta(days=RESPOND_WITHIN_DAYS)
    if start_date and start_date - datetime.timedelta(days=1) < respond_by:
        respond_by = max(today, start_date - datetime.timedelta(days=1))
    return respond_by


def _check_respond_by(respond_by, start_date):
    if respond_by < timezone.localdate():
        raise ValidationFailed(_("The date to answer by must not be in the past."), field="respond_by")
    if start_date and respond_by > start_date:
        raise ValidationFailed(_("The answer is needed before the activity starts."), field="respond_by")


@transaction.atomic
def invitation_create(*, activity, profile: ExpertProfile, by, role: str = DeploymentRole.EXPERT,
                      start_date=None, end_date=None, days=None, message: str = "", respond_by=None,
                      idempotency_key: str | None = None) -> Invitation:
    """Invite an active expert to an activity; the expert is told in-app and by an e-mail (in their language) that
    says where, when, what for, whom to contact and by when to answer, with a signed link to answer.

    Dates default to the activity's, the date to answer by to a week (before the activity starts). A conflict of
    interest is flagged (not refused); staff decide. The same ``idempotency_key`` twice (a double-submitted form)
    answers the first invitation.
    Raises NotAllowed, IllegalTransition (expert not active), ValidationFailed (dates, role), Conflict (already invited).
    """
    ensure(by, "create", Invitation)
    claim = creation_claim(scope="experts.invitation_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if profile.status != ExpertProfile.Status.ACTIVE:
        raise IllegalTransition(_("Only active experts can be invited."))
    if role not in DeploymentRole.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    start_date = start_date or activity.start_date
    end_date = end_date or activity.end_date or start_date
    _check_dates(start_date, end_date)
    if respond_by is None:
        respond_by = default_respond_by(start_date)
    else:
        _check_respond_by(respond_by, start_date)
    if Invitation.objects.filter(activity=activity, profile=profile).exists():
        raise Conflict(_("This expert has already been invited to this activity."))
    invitation = Invitation.objects.create(
        activity=activity, profile=profile, role=role, start_date=start_date, end_date=end_date,
        days=days if days is not None else _default_days(start_date, end_date), message=message, invited_by=by,
        respond_by=respond_by, conflict_of_interest=bool(conflict_of_interest(profile, activity)))
    claim.fulfil(invitation)
    audit.record_create(invitation, by=by)
    link = reverse("experts:invitation_answer", args=[invitation_token(invitation)])
    if profile.user_id:
        # In-app news only: the e-mail below says more than a news line can (place, objectives, contact...).
        notify(recipients=[profile.user], event="experts.invitation_received", params=_invitation_params(invitation),
               target=activity, url=link, dedupe_key=f"expert-invitation-{invitation.pk}", email=False)
    _send_invitation_email(invitation, link)
    return invitation


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    """The invitation e-mail, in the expert's language, sent once (also to a roster profile with no account yet:
    the signed link answers without signing in)."""
    profile = invitation.profile
    language = (profile.user.language if profile.user_id else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = invitation_details(invitation)
        context.update({"invitation": invitation, "profile": profile,
                        "url": settings.PONTIS_SITE_URL.rstrip("/") + link})
        subject = _("Invitation to contribute as an expert: %(activity)s") % {"activity": invitation.activity}
        body = render_to_string("experts/email/invitation.txt", context)
    email_queue(key=f"expert-invitation-{invitation.pk}", to=[profile.email], subject=subject, body=body)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by=None, via_token: bool = False) -> Deployment:
    """The expert accepts: a confirmed deployment is created, unless the dates collide with another deployment or
    an unavailability period (Conflict, with the reasons). ``via_token``: the signed e-mail link stands for the expert.

    Raises NotAllowed, IllegalTransition (already answered), Conflict (double booking).
    """
    if not via_token:
        ensure(by, "respond", invitation)
    invitation = Invitation.objects.select_for_update().select_related("profile", "activity__action").get(pk=invitation.pk)
    check_transition(invitation, Invitation.Status.ACCEPTED)
    actor = by if by is not None else invitation.profile.user
    deployment = _deploy(profile=invitation.profile, activity=invitation.activity, role=invitation.role,
                         start_date=invitation.start_date, end_date=invitation.end_date, days=invitation.days,
                         by=actor, invitation=invitation)
    transition(invitation, to=Invitation.Status.ACCEPTED, by=actor, responded_at=timezone.now())
    if invitation.invited_by_id:
        notify(recipients=[invitation.invited_by], event="experts.invitation_accepted",
               params=_invitation_params(invitation), target=invitation.activity,
               url=reverse("experts:activity_experts", args=[invitation.activity_id]),
               dedupe_key=f"expert-invitation-answer-{invitation.pk}")
    return deployment


@transaction.atomic
def invitation_decline(*, invitation: Invitation, reason: str, by=None, via_token: bool = False) -> Invitation:
    """The expert declines, with a reason. Raises NotAllowed, IllegalTransition, ValidationFailed (no reason)."""
    if not via_token:
        ensure(by, "respond", invitation)
    if not (reason or "").strip():
        raise ValidationFailed(_("Tell us briefly why you decline; it helps us invite better."), field="reason")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    actor = by if by is not None else invitation.profile.user
    reason = reason.strip()[:2000]
    transition(invitation, to=Invitation.Status.DECLINED, by=actor, note=reason, reason=reason,
               responded_at=timezone.now())
    if invitation.invited_by_id:
        notify(recipients=[invitation.invited_by], event="experts.invitation_declined",
               params=_invitation_params(invitation, reason=invitation.reason), target=invitation.activity,
               url=reverse("experts:activity_experts", args=[invitation.activity_id]),
               dedupe_key=f"expert-invitation-answer-{invitation.pk}")
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by) -> Invitation:
    ensure(by, "withdraw", invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    return transition(invitation, to=Invitation.Status.WITHDRAWN, by=by)


def _deploy(*, profile, activity, role, start_date, end_date, days, by, invitation=None) -> Deployment:
    _check_dates(start_date, end_date)
    # Lock the expert's row so two confirmations at once cannot both pass the overlap check.
    ExpertProfile.objects.select_for_update().filter(pk=profile.pk).first()
    problems = booking_conflicts(profile, start_date, end_date)
    if problems:
        raise Conflict(_("The expert cannot be confirmed on these dates: %(reasons)s.") % {"reasons": "; ".join(problems)},
                       code="double_booking")
    note = conflict_of_interest(profile, activity)
    deployment = Deployment.objects.create(
        profile=profile, activity=activity, role=role, start_date=start_date, end_date=end_date,
        days=days if days is not None else _default_days(start_date, end_date), invitation=invitation,
        conflict_of_interest=bool(note), conflict_note=note)
    audit.record_create(deployment, by=by)
    refresh_last_deployed(profile)
    return deployment


def refresh_last_deployed(profile) -> None:
    last = Deployment.objects.filter(profile=profile).exclude(status="cancelled").aggregate(m=Max("start_date"))["m"]
    ExpertProfile.objects.filter(pk=profile.pk).update(last_deployed_on=last)


@transaction.atomic
def deployment_create(*, activity, profile: ExpertProfile, by, role: str = DeploymentRole.EXPERT, start_date=None,
                      end_date=None, days=None) -> Deployment:
    """Staff confirm an expert directly (without invitation). Same double-booking rule as an accepted invitation.

    Raises NotAllowed, IllegalTransition (expert not active), ValidationFailed, Conflict.
    """
    ensure(by, "create", Deployment)
    if profile.status != ExpertProfile.Status.ACTIVE:
        raise IllegalTransition(_("Only active experts can be deployed."))
    if role not in DeploymentRole.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    return _deploy(profile=profile, activity=activity, role=role, start_date=start_date or activity.start_date,
                   end_date=end_date or activity.end_date or start_date or activity.start_date, days=days, by=by)


@transaction.atomic
def deployment_transition(*, deployment: Deployment, to: str, by) -> Deployment:
    """Complete or cancel a confirmed deployment. Raises NotAllowed, IllegalTransition."""
    ensure(by, "change", deployment)
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    transition(deployment, to=to, by=by)
    refresh_last_deployed(deployment.profile)
    return deployment
