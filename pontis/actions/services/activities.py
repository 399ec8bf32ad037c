"""Activities: planning, the planned -> confirmed -> delivered -> reported flow, postponement, reports."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pontis.core import audit, registry
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.i18n import content_languages
from pontis.core.models import ActivityType, Language
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import check_transition, transition

from ..models import Action, Activity
from ._common import action_url, activity_params, check_dates, focal_points, require_text, today, watchers
from .actions import action_mark_launched

EDITABLE = {"type", "title", "start_date", "end_date", "online", "place", "country", "expected_participants", "expert_profile"}


def _open_action(action: Action) -> None:
    if action.status in (Action.Status.COMPLETED, Action.Status.CANCELLED):
        raise IllegalTransition(_("This Action is closed: its activities can no longer change."), code="action_closed")


def _activity_from_row(action, row, *, by, activity=None) -> Activity:
    """Create or update an activity from a fiche row (already validated by ``clean_content``)."""
    activity = activity or Activity(action=action, sequence=row["sequence"])
    activity.type = ActivityType.objects.get(code=row["type"])
    if row.get("title") and not activity.title:
        # A fiche row's title is typed in the language of the page the officer works in.
        lang = (translation.get_language() or "en").split("-")[0]
        activity.title = {lang if lang in content_languages() else "en": row["title"]}
    activity.start_date = datetime.date.fromisoformat(row["start_date"]) if row.get("start_date") else None
    activity.end_date = datetime.date.fromisoformat(row["end_date"]) if row.get("end_date") else None
    activity.place = row.get("place", "")
    activity.online = bool(row.get("online"))
    activity.expected_participants = row.get("participants")
    activity.expert_profile = row.get("expert_profile", "")
    created = activity.pk is None
    activity.save()
    if row.get("language"):
        activity.languages.set(Language.objects.filter(code=row["language"]))
    if created:
        audit.record_create(activity, by=by, note="from the Action Fiche")
    return activity


@transaction.atomic
def activity_create(*, action: Action, by, type: ActivityType, title: dict | None = None, start_date=None, end_date=None,
                    online: bool = False, place: str = "", country=None, languages=(), expected_participants=None,
                    expert_profile: str = "", idempotency_key: str | None = None) -> Activity:
    """Add a planned activity at the end of the sequence. Same ``idempotency_key``, same activity.
    Raises NotAllowed, IllegalTransition (Action closed), ValidationFailed (dates)."""
    ensure(by, "create", Activity)
    claim = creation_claim(scope="actions.activity_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    action = Action.objects.select_for_update().get(pk=action.pk)
    _open_action(action)
    check_dates(start_date, end_date)
    sequence = (action.activities.aggregate(m=Max("sequence"))["m"] or 0) + 1
    activity = Activity.objects.create(
        action=action, sequence=sequence, type=type, title=title or {}, start_date=start_date, end_date=end_date,
        online=online, place=place, country=country, expected_participants=expected_participants,
        expert_profile=expert_profile,
    )
    activity.languages.set(languages)
    audit.record_create(activity, by=by)
    return claim.fulfil(activity)


@transaction.atomic
def activity_update(*, activity: Activity, by, languages=None, **fields) -> Activity:
    """Change an activity's plan. Raises NotAllowed, IllegalTransition (reported/cancelled or Action closed),
    ValidationFailed (unknown field, dates)."""
    ensure(by, "change", activity)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _open_action(activity.action)
    if activity.status in (Activity.Status.REPORTED, Activity.Status.CANCELLED):
        raise IllegalTransition(_("A reported or cancelled activity can no longer change."), code="activity_closed")
    check_dates(fields.get("start_date", activity.start_date), fields.get("end_date", activity.end_date))
    with audit.tracking(activity, by=by):
        for key, value in fields.items():
            setattr(activity, key, value)
        activity.save()
        if languages is not None:
            activity.languages.set(languages)
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().select_related("action").get(pk=activity.pk)


@transaction.atomic
def activity_confirm(*, activity: Activity, by) -> Activity:
    """planned -> confirmed (dates set, fiche agreed). Raises NotAllowed, IllegalTransition, ValidationFailed."""
    ensure(by, "transition", activity)
    activity = _locked(activity)
    _open_action(activity.action)
    if activity.action.status != Action.Status.ONGOING:
        raise IllegalTransition(_("Agree the Action Fiche before confirming activities."), code="fiche_not_agreed")
    if activity.status == Activity.Status.PLANNED and not activity.start_date:
        raise ValidationFailed(_("Set the dates before confirming the activity."), field="start_date",
                               errors={"start_date": [_("Set the dates before confirming the activity.")]})
    transition(activity, to=Activity.Status.CONFIRMED, by=by)
    notify(recipients=focal_points(activity.action), event="actions.activity_confirmed", params=activity_params(activity),
           target=activity.action, url=action_url(activity.action),
           dedupe_key=f"activity-confirmed-{activity.pk}-{activity.start_date}")
    return activity


def _check_delivery_date(activity: Activity, delivered_on: datetime.date | None) -> datetime.date:
    """The actual day of delivery stops the 90-day clock, so it must be a day that can be true: given, not in the
    future, not before the activity's start (an activity that has not started cannot be delivered) and not before
    the request (no stage of the clock can be negative)."""
    def refuse(message):
        raise ValidationFailed(message, field="delivered_on", errors={"delivered_on": [message]})

    if delivered_on is None:
        refuse(_("Give the date on which the activity was delivered."))
    if delivered_on > today():
        refuse(_("An activity cannot be delivered in the future."))
    if activity.start_date is None:
        refuse(_("Set the activity's start date before recording its delivery."))
    if activity.start_date > today():
        refuse(_("This activity has not started yet (it starts on %(date)s): it cannot be delivered.")
               % {"date": date_format(activity.start_date)})
    if delivered_on < activity.start_date:
        refuse(_("The delivery date cannot be before the activity's start date (%(date)s).")
               % {"date": date_format(activity.start_date)})
    requested_on = activity.action.requested_on
    if requested_on and delivered_on < requested_on:
        refuse(_("The delivery date cannot be before the request for assistance (%(date)s).")
               % {"date": date_format(requested_on)})
    return delivered_on


@transaction.atomic
def activity_deliver(*, activity: Activity, by, delivered_on: datetime.date | None) -> Activity:
    """confirmed -> delivered on the actual day ``delivered_on`` (required). The first delivered activity launches
    the Action: its date stops the 90-day clock. Raises NotAllowed, IllegalTransition, ValidationFailed (no date,
    a date in the future, before the activity's start or before the request)."""
    ensure(by, "transition", activity)
    activity = _locked(activity)
    _open_action(activity.action)
    check_transition(activity, Activity.Status.DELIVERED)
    delivered_on = _check_delivery_date(activity, delivered_on)
    transition(activity, to=Activity.Status.DELIVERED, by=by, delivered_on=delivered_on)
    action_mark_launched(activity.action, delivered_on)
    return activity


def _clean_by_institution(rows) -> list[dict]:
    clean = []
    for row in rows or []:
        name = str(row.get("institution", "")).strip()
        try:
            count = int(row.get("count"))
        except (TypeError, ValueError):
            raise ValidationFailed(_("Give a whole number of participants for each institution."), field="participants_by_institution")
        if not name or count < 0:
            raise ValidationFailed(_("Give a whole number of participants for each institution."), field="participants_by_institution")
        clean.append({"institution": name[:300], "count": count})
    return clean


@transaction.atomic
def activity_report(*, activity: Activity, by, report: str, participants_women: int | None = None,
                    participants_men: int | None = None, participants_other: int | None = None,
                    participants_by_institution=()) -> Activity:
    """delivered -> reported with what happened and the participants by gender and institution.
    Raises NotAllowed, IllegalTransition, ValidationFailed (no report, negative or missing counts)."""
    ensure(by, "report", activity)
    activity = _locked(activity)
    report = require_text(report, field="report", message=_("Say what happened during the activity."))
    counts = [participants_women, participants_men, participants_other]
    if registry.activity_figures_locked(activity):
        # The figures come from the meeting's attendance (core.registry): what the form sent is ignored.
        counts = [activity.participants_women or 0, activity.participants_men or 0, activity.participants_other or 0]
        participants_by_institution = activity.participants_by_institution or ()
    if all(c is None for c in counts) or any(c is not None and c < 0 for c in counts):
        raise ValidationFailed(_("Give the number of participants by gender."), field="participants_women",
                               errors={"participants_women": [_("Give the number of participants by gender.")]})
    by_institution = _clean_by_institution(participants_by_institution)
    check_transition(activity, Activity.Status.REPORTED)
    activity.report = report
    activity.participants_women, activity.participants_men, activity.participants_other = counts
    activity.participants_by_institution = by_institution
    transition(activity, to=Activity.Status.REPORTED, by=by)
    return activity


@transaction.atomic
def activity_participants_from_attendance(*, activity: Activity, women: int, men: int, other: int,
                                          by_institution, by=None) -> Activity:
    """Write the activity's participant figures from its meeting's attendance (the one source when the meeting
    takes registrations: ``core.registry.activity_figures_locked``). No permission check: the caller is the
    attendance service, which checked its own. Audited only when a figure changes. Raises ValidationFailed for
    negative counts."""
    if any(not isinstance(n, int) or n < 0 for n in (women, men, other)):
        raise ValidationFailed(_("Give the number of participants by gender."), field="participants_women")
    rows = _clean_by_institution(by_institution)
    activity = _locked(activity)
    if (activity.participants_women, activity.participants_men, activity.participants_other,
            activity.participants_by_institution) == (women, men, other, rows):
        return activity
    before = audit.snapshot(activity, fields=["participants_women", "participants_men", "participants_other",
                                              "participants_by_institution"], m2m=False)
    activity.participants_women, activity.participants_men, activity.participants_other = women, men, other
    activity.participants_by_institution = rows
    activity.save(update_fields=["participants_women", "participants_men", "participants_other",
                                 "participants_by_institution", "updated_at"])
    audit.record_update(activity, by=by, before=before, note=_("From the meeting's attendance."))
    return activity


@transaction.atomic
def activity_postpone(*, activity: Activity, by, reason: str) -> Activity:
    """planned/confirmed -> postponed with a reason. Raises NotAllowed, IllegalTransition, ValidationFailed."""
    ensure(by, "transition", activity)
    reason = require_text(reason, field="reason", message=_("Say why the activity is postponed."))
    activity = _locked(activity)
    _open_action(activity.action)
    activity.status_reason = reason
    transition(activity, to=Activity.Status.POSTPONED, by=by, note=reason)
    notify(recipients=focal_points(activity.action) + watchers(activity.action, besides=by), event="actions.activity_postponed",
           params=activity_params(activity, reason=reason), target=activity.action, url=action_url(activity.action),
           dedupe_key=f"activity-postponed-{activity.pk}-{activity.updated_at.timestamp():.0f}")
    return activity


@transaction.atomic
def activity_reschedule(*, activity: Activity, by, start_date, end_date=None) -> Activity:
    """postponed -> planned with new dates. Raises NotAllowed, IllegalTransition, ValidationFailed."""
    ensure(by, "transition", activity)
    activity = _locked(activity)
    _open_action(activity.action)
    if not start_date:
        raise ValidationFailed(_("Give the new start date."), field="start_date", errors={"start_date": [_("Give the new start date.")]})
    check_dates(start_date, end_date)
    activity.start_date, activity.end_date = start_date, end_date or start_date
    activity.status_reason = ""
    transition(activity, to=Activity.Status.PLANNED, by=by, note=f"{start_date}")
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by, reason: str) -> Activity:
    """planned/confirmed/postponed -> cancelled with a reason. Raises NotAllowed, IllegalTransition, ValidationFailed."""
    ensure(by, "transition", activity)
    reason = require_text(reason, field="reason", message=_("Say why the activity is cancelled."))
    activity = _locked(activity)
    _open_action(activity.action)
    activity.status_reason = reason
    transition(activity, to=Activity.Status.CANCELLED, by=by, note=reason)
    return activity


@transaction.atomic
def activity_get_or_create_for_import(*, action: Action, type: ActivityType, start_date, end_date, by=None) -> tuple[Activity, bool]:
    """For the experts app's ``import_deployments``: the activity of ``type`` under ``action`` whose dates
    overlap ``start_date``-``end_date``, or a new one (status reported when it lies in the past, with the
    Action launched at its date). Answers (activity, created). Raises ValidationFailed (dates)."""
    end_date = end_date or start_date
    check_dates(start_date, end_date)
    overlap = (Q(start_date__lte=end_date) & (Q(end_date__gte=start_date) | Q(end_date__isnull=True, start_date__gte=start_date)))
    found = action.activities.filter(type=type).filter(overlap).order_by("start_date", "id").first()
    if found is not None:
        return found, False
    action = Action.objects.select_for_update().get(pk=action.pk)
    sequence = (action.activities.aggregate(m=Max("sequence"))["m"] or 0) + 1
    past = end_date is not None and end_date < today()
    activity = Activity.objects.create(
        action=action, sequence=sequence, type=type, start_date=start_date, end_date=end_date,
        status=Activity.Status.REPORTED if past else Activity.Status.PLANNED,
        delivered_on=end_date if past else None,
    )
    audit.record_create(activity, by=by, note="import")
    if past:
        action_mark_launched(action, end_date)
    return activity, True
