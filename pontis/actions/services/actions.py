"""Creating, changing, cancelling and closing Actions."""

from __future__ import annotations

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pontis.core import audit
from pontis.core.errors import ValidationFailed
from pontis.core.i18n import content_languages
from pontis.core.models import Country, GoodPracticeFeature, Region
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import check_transition, transition

from ..models import Action, ActionCodeCounter, ActionPartner, Activity, FicheVersion, FollowUp, SelfAssessment
from ._common import action_url, add_months, audience, check_dates, focal_points, news_params, require_text, today, watchers

ROMAN = ["", "", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
GLOBAL_REGION = "global"


def roman(n: int) -> str:
    if n < len(ROMAN):
        return ROMAN[n]
    return str(n)


def roman_value(token: str) -> int:
    """1 for a plain country name, 2 for "II" ... (0 when the token is not a numeral we write)."""
    return ROMAN.index(token) if token in ROMAN[2:] else 0


def _max_existing_number(year: int) -> int:
    numbers = [0]
    for code in Action.objects.filter(code__startswith=f"{year}-").values_list("code", flat=True):
        try:
            numbers.append(int(code.split("-", 1)[1]))
        except (IndexError, ValueError):
            continue
    return max(numbers)


def next_action_code(year: int) -> str:
    """The next free code ``YYYY-NN`` for ``year``.

    One UPDATE ... SET last = last + 1 per call: on PostgreSQL the row lock serialises concurrent approvals
    until their transactions end; on SQLite the write lock does the same. Codes already taken (imports,
    demo data) are skipped, and the unique constraint on ``code`` is the last guard.
    """
    ActionCodeCounter.objects.get_or_create(year=year, defaults={"last": _max_existing_number(year)})
    while True:
        ActionCodeCounter.objects.filter(year=year).update(last=F("last") + 1)
        last = ActionCodeCounter.objects.get(year=year).last
        code = f"{year}-{last:02d}"
        if not Action.objects.filter(code=code).exists():
            return code


def region_for(countries) -> Region | None:
    """The countries' region; several regions make the Action global."""
    regions = {c.region_id for c in countries if c.region_id}
    if len(regions) == 1:
        return Region.objects.get(pk=regions.pop())
    if len(regions) > 1:
        return Region.objects.filter(code=GLOBAL_REGION).first()
    return None


def title_for(country: Country | None, *, exclude_pk=None) -> dict:
    """"Country" or "Country II/III/IV": the numeral counts earlier Actions led in the same country."""
    if country is None:
        return {}
    earlier = Action.objects.filter(lead_country=country)
    if exclude_pk:
        earlier = earlier.exclude(pk=exclude_pk)
    # Imported or historical Actions may be numbered beyond what is stored ("Peru III" with no I and II here),
    # so the next numeral follows the highest one in use, not only the count.
    highest = earlier.count()
    for title in earlier.values_list("title", flat=True):
        highest = max(highest, roman_value(((title or {}).get("en") or "").rsplit(" ", 1)[-1]))
    numeral = roman(highest + 1)
    title = {}
    for lang in content_languages():
        name = (country.name or {}).get(lang) or (country.name or {}).get("en") or country.code
        title[lang] = f"{name} {numeral}".strip()
    return title


def _start_fiche(action: Action) -> FicheVersion:
    return FicheVersion.objects.create(action=action, number=1, content={"activities": []})


@transaction.atomic
def action_create_from_request(*, request, by) -> Action:
    """Create the Action for an approved intake request (called by ``request_approve``, in its transaction).

    Guarantees: a unique code YYYY-NN for the approval year, the title "Country [II/III...]", countries,
    themes and topics copied, each requesting institution a partner (the submitter its operational focal
    point), the region derived from the countries, ``requested_on``/``approved_on`` set for the 90-day
    clock, a draft Action Fiche (version 1), an audit row and a notification to the partner focal points.
    Calling it again for the same request answers the same Action.
    Raises NotAllowed unless ``by`` is facility staff or a committee member.
    """
    ensure(by, "create_from_request", Action)
    existing = Action.objects.filter(source_request_id=request.pk).first()
    if existing is not None:
        return existing
    countries = list(request.countries.all())
    lead = countries[0] if countries else None
    approved_on = today()
    submitted_at = getattr(request, "submitted_at", None)
    requested_on = timezone.localtime(submitted_at).date() if submitted_at else approved_on
    action = Action.objects.create(
        code=next_action_code(approved_on.year),
        title=title_for(lead) or (request.title or {}),
        lead_country=lead,
        region=region_for(countries),
        requested_on=requested_on,
        approved_on=approved_on,
        source_request_id=request.pk,
        owner_id=getattr(request, "owner_id", None),  # the Action inherits the request's owning officer
    )
    action.countries.set(countries)
    action.themes.set(request.themes.all())
    action.topics.set(request.topics.all())
    submitter = getattr(request, "submitted_by", None)
    submitter_institutions = getattr(submitter, "focal_institution_ids", set()) if submitter else set()
    institutions = list(request.institutions.all())
    for institution in institutions:
        # The submitter is the operational focal point of their own institution (or of the only one).
        is_theirs = institution.pk in submitter_institutions or len(institutions) == 1
        ActionPartner.objects.create(action=action, institution=institution,
                                     operational_focal_point=submitter if is_theirs else None)
    _start_fiche(action)
    audit.record_create(action, by=by, note=f"request {request.pk}")
    _notify_created(action)
    return action


def _notify_created(action):
    notify(recipients=focal_points(action) + audience(action), event="actions.action_created",
           params=news_params(action), target=action, url=action_url(action), dedupe_key=f"action-created-{action.pk}")


def _validate_fields(*, countries, themes):
    errors = {}
    if not countries:
        errors["countries"] = [_("Choose at least one country.")]
    if not themes:
        errors["themes"] = [_("Choose at least one thematic area.")]
    if errors:
        raise ValidationFailed(errors=errors)


@transaction.atomic
def action_create(*, by, countries, themes, topics=(), title: dict | None = None, code: str | None = None,
                  region=None, requested_on: datetime.date | None = None, approved_on: datetime.date | None = None,
                  start_date=None, end_date=None, partners=(), idempotency_key: str | None = None) -> Action:
    """Create an Action directly (staff, API, demo data). ``partners`` is a list of
    ``(institution, operational_focal_point, strategic_focal_point)``.

    Guarantees a code (given, or the next of the approval year), a title (given, or "Country [II...]"), the
    region (given or derived), a draft fiche and an audit row. The same ``idempotency_key`` answers the same
    Action. Raises NotAllowed, ValidationFailed (no country, no theme, code taken or malformed).
    """
    ensure(by, "create", Action)
    claim = creation_claim(scope="actions.action_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    countries, themes = list(countries), list(themes)
    _validate_fields(countries=countries, themes=themes)
    approved_on = approved_on or today()
    if code:
        if not re.fullmatch(r"\d{4}-\d{2,3}", code):
            raise ValidationFailed(_("A code looks like 2026-07."), field="code", errors={"code": [_("A code looks like 2026-07.")]})
        if Action.objects.filter(code=code).exists():
            raise ValidationFailed(_("This code is already used."), field="code", errors={"code": [_("This code is already used.")]})
    lead = countries[0]
    try:
        with transaction.atomic():
            action = Action.objects.create(
                code=code or next_action_code(approved_on.year),
                title=title or title_for(lead),
                lead_country=lead,
                region=region or region_for(countries),
                requested_on=requested_on,
                approved_on=approved_on,
                start_date=start_date,
                end_date=end_date,
            )
    except IntegrityError:
        raise ValidationFailed(_("This code is already used."), field="code", errors={"code": [_("This code is already used.")]})
    action.countries.set(countries)
    action.themes.set(themes)
    action.topics.set(topics)
    for institution, operational, strategic in partners:
        ActionPartner.objects.get_or_create(action=action, institution=institution, defaults={
            "operational_focal_point": operational, "strategic_focal_point": strategic})
    _start_fiche(action)
    audit.record_create(action, by=by)
    return claim.fulfil(action)


UPDATABLE = {"title", "start_date", "end_date", "region", "requested_on", "approved_on"}
UPDATABLE_M2M = {"countries", "themes", "topics", "sdg_targets", "gcm_objectives"}


@transaction.atomic
def action_update(*, action: Action, by, **fields) -> Action:
    """Change an Action's descriptive fields (not its status or code). Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", action)
    unknown = set(fields) - UPDATABLE - UPDATABLE_M2M
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "title" in fields and not fields["title"]:
        raise ValidationFailed(_("Write the title in at least one language."), field="title",
                               errors={"title": [_("Write the title in at least one language.")]})
    for key in ("countries", "themes"):
        if key in fields and not list(fields[key]):
            _validate_fields(countries=fields.get("countries", [1]), themes=fields.get("themes", [1]))
    check_dates(fields.get("start_date", action.start_date), fields.get("end_date", action.end_date))
    with audit.tracking(action, by=by):
        for key, value in fields.items():
            if key in UPDATABLE:
                setattr(action, key, value)
        action.save()
        for key, value in fields.items():
            if key in UPDATABLE_M2M:
                getattr(action, key).set(value)
    return action


@transaction.atomic
def partner_set(*, action: Action, by, institution, operational_focal_point=None, strategic_focal_point=None) -> ActionPartner:
    """Add a partner institution or change its focal points. Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", action)
    for person in (operational_focal_point, strategic_focal_point):
        if person is not None and institution.pk not in person.focal_institution_ids:
            raise ValidationFailed(_("A focal point must be a focal point of that institution."), field="focal_point")
    partner, created = ActionPartner.objects.get_or_create(action=action, institution=institution)
    before = audit.snapshot(partner)
    partner.operational_focal_point = operational_focal_point
    partner.strategic_focal_point = strategic_focal_point
    partner.save()
    if created:
        audit.record_create(partner, by=by)
    else:
        audit.record_update(partner, by=by, before=before)
    return partner


@transaction.atomic
def action_cancel(*, action: Action, by, reason: str) -> Action:
    """Cancel an Action in design or ongoing, with a reason. Raises NotAllowed, ValidationFailed, IllegalTransition."""
    ensure(by, "cancel", action)
    reason = require_text(reason, field="reason", message=_("Say why the Action is cancelled."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.cancel_reason = reason
    transition(action, to=Action.Status.CANCELLED, by=by, note=reason)
    notify(recipients=focal_points(action) + watchers(action, besides=by),
           event="actions.action_cancelled", params=news_params(action, reason=reason), target=action,
           url=action_url(action), dedupe_key=f"action-cancelled-{action.pk}")
    return action


FOLLOW_UP_MONTHS = (6, 12)


ACTIVITY_DONE_STATUSES = (Activity.Status.REPORTED, Activity.Status.CANCELLED)


def action_close_blockers(action: Action) -> dict[str, str]:
    """What stands in the way of closing ``action`` now, as ``{field: translated message}``; empty when it can be
    closed: its status allows the move and every activity is reported or cancelled. The Action's page asks this
    before offering "Close the Action", and ``action_close`` refuses on the same answer."""
    blockers = {}
    if Action.Status.COMPLETED not in Action.TRANSITIONS.get(action.status, set()):
        blockers["status"] = _("Only an ongoing Action can be closed.")
    open_activities = action.activities.exclude(status__in=ACTIVITY_DONE_STATUSES).count()
    if open_activities:
        blockers["activities"] = ngettext(
            "%(n)d activity is not yet reported or cancelled.",
            "%(n)d activities are not yet reported or cancelled.", open_activities) % {"n": open_activities}
    return blockers


@transaction.atomic
def action_close(*, action: Action, by, final_report: str, lessons_learnt: str, scores: dict,
                 closed_on: datetime.date | None = None) -> Action:
    """Close an ongoing Action: final report, lessons learnt, the ten-features self-assessment.

    ``scores`` maps a GoodPracticeFeature code to ``(score 1-5, comment)``; every active feature needs a
    score. Guarantees: status completed, follow-ups scheduled at +6 and +12 months, focal points told.
    Raises NotAllowed, ValidationFailed (missing text or score, activities still open), IllegalTransition.
    """
    ensure(by, "close", action)
    action = Action.objects.select_for_update().get(pk=action.pk)
    check_transition(action, Action.Status.COMPLETED)
    errors = {}
    if not (final_report or "").strip():
        errors["final_report"] = [_("Write the final report.")]
    if not (lessons_learnt or "").strip():
        errors["lessons_learnt"] = [_("Write the lessons learnt.")]
    features = list(GoodPracticeFeature.objects.filter(is_active=True))
    for feature in features:
        score = (scores or {}).get(feature.code, (None, ""))[0]
        if not isinstance(score, int) or not 1 <= score <= 5:
            errors[f"score_{feature.code}"] = [_("Give a score from 1 to 5.")]
    # After the transition check only the activities can still stand in the way (the page asks the same).
    errors.update({field: [message] for field, message in action_close_blockers(action).items()})
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    closed_on = closed_on or today()
    action.final_report = final_report.strip()
    action.lessons_learnt = lessons_learnt.strip()
    action.closed_on = closed_on
    action.end_date = action.end_date or closed_on
    transition(action, to=Action.Status.COMPLETED, by=by, note="closed")
    for feature in features:
        score, comment = scores[feature.code]
        SelfAssessment.objects.update_or_create(action=action, feature=feature,
                                                defaults={"score": score, "comment": (comment or "").strip()})
    for months in FOLLOW_UP_MONTHS:
        FollowUp.objects.get_or_create(action=action, months=months, defaults={"due_on": add_months(closed_on, months)})
    notify(recipients=focal_points(action) + watchers(action, besides=by),
           event="actions.action_closed", params=news_params(action), target=action,
           url=action_url(action), dedupe_key=f"action-closed-{action.pk}")
    return action


def action_mark_launched(action: Action, on: datetime.date) -> None:
    """Record the first delivered activity (the end of the 90-day clock); earlier dates win."""
    if action.launched_on is None or on < action.launched_on:
        Action.objects.filter(pk=action.pk).update(launched_on=on)
        action.launched_on = on
    if action.start_date is None or on < action.start_date:
        Action.objects.filter(pk=action.pk).update(start_date=on)
        action.start_date = on
