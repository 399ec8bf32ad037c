"""The Action Fiche: drafting, partner consent, agreement, redesign, comments and proposals."""

from __future__ import annotations

import datetime
import difflib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core import audit
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import ActivityType, Language
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.roles import is_staff
from pontis.core.workflow import transition

from ..models import FICHE_ACTIVITIES, FICHE_TEXT_SECTIONS, Action, Activity, FicheComment, FicheProposal, FicheVersion
from ..permissions import is_committee_member, is_partner_focal_point
from ._common import action_url, audience, focal_points, news_params, require_text, today, watchers
from .activities import _activity_from_row
from .delegation import delegation_inform_started

SECTION_KEYS = [key for key, _label in FICHE_TEXT_SECTIONS]
MAX_SECTION_CHARS = 20000
MAX_ACTIVITIES = 30
ACTIVITY_FIELDS = ("sequence", "type", "title", "start_date", "end_date", "place", "online", "language",
                   "participants", "expert_profile")


def _parse_date(value, field, errors, row):
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[f"activities.{row}.{field}"] = [_("Activity %(n)d: the date is not valid (YYYY-MM-DD).") % {"n": row}]
        return ""


def clean_content(content: dict) -> dict:
    """Validated fiche content: text sections as stripped strings, activity rows normalised and numbered.

    Raises ValidationFailed with one message per problem (field keys ``activities.<n>.<field>``).
    """
    errors: dict = {}
    content = content or {}
    clean: dict = {}
    for key in SECTION_KEYS:
        text = content.get(key) or ""
        if not isinstance(text, str):
            errors[key] = [_("This section must be text.")]
            continue
        if len(text) > MAX_SECTION_CHARS:
            errors[key] = [_("This section is too long (at most %(n)d characters).") % {"n": MAX_SECTION_CHARS}]
        clean[key] = text.strip()
    rows = content.get(FICHE_ACTIVITIES) or []
    if not isinstance(rows, list) or len(rows) > MAX_ACTIVITIES:
        errors[FICHE_ACTIVITIES] = [_("At most %(n)d activities.") % {"n": MAX_ACTIVITIES}]
        rows = []
    type_codes = set(ActivityType.objects.values_list("code", flat=True))
    language_codes = set(Language.objects.values_list("code", flat=True))
    clean_rows = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors[f"activities.{n}"] = [_("Activity %(n)d is not valid.") % {"n": n}]
            continue
        if row.get("type") not in type_codes:
            errors[f"activities.{n}.type"] = [_("Activity %(n)d: choose an activity type.") % {"n": n}]
        start = _parse_date(row.get("start_date"), "start_date", errors, n)
        end = _parse_date(row.get("end_date"), "end_date", errors, n)
        if start and end and end < start:
            errors[f"activities.{n}.end_date"] = [_("Activity %(n)d: the end date is before the start date.") % {"n": n}]
        language = (row.get("language") or "").strip()
        if language and language not in language_codes:
            errors[f"activities.{n}.language"] = [_("Activity %(n)d: unknown language.") % {"n": n}]
        participants = row.get("participants")
        if participants in ("", None):
            participants = None
        else:
            try:
                participants = int(participants)
                if participants < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors[f"activities.{n}.participants"] = [_("Activity %(n)d: participants must be a whole number.") % {"n": n}]
                participants = None
        clean_rows.append({
            "sequence": n,
            "type": row.get("type") or "",
            "title": str(row.get("title") or "").strip()[:300],
            "start_date": start,
            "end_date": end,
            "place": str(row.get("place") or "").strip()[:200],
            "online": bool(row.get("online")),
            "language": language,
            "participants": participants,
            "expert_profile": str(row.get("expert_profile") or "").strip()[:2000],
        })
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    clean[FICHE_ACTIVITIES] = clean_rows
    return clean


def _draft(version: FicheVersion) -> FicheVersion:
    if version.status != FicheVersion.Status.DRAFT:
        raise IllegalTransition(_("Only a draft version can be changed; start a redesign to change an agreed fiche."),
                                code="fiche_not_draft")
    return version


def current_draft(action: Action) -> FicheVersion | None:
    return action.fiche_versions.filter(status=FicheVersion.Status.DRAFT).first()


@transaction.atomic
def fiche_save(*, version: FicheVersion, by, content: dict) -> FicheVersion:
    """Save the content of a draft fiche version (staff). Any earlier partner consent lapses, since the
    text changed. Raises NotAllowed, IllegalTransition (not a draft), ValidationFailed."""
    ensure(by, "edit_fiche", version.action)
    version = FicheVersion.objects.select_for_update().get(pk=version.pk)
    _draft(version)
    cleaned = clean_content(content)
    with audit.tracking(version, by=by):
        if cleaned != version.content:
            version.partner_agreed_on = None
            version.partner_agreed_by = None
        version.content = cleaned
        version.save()
    return version


@transaction.atomic
def fiche_partner_agree(*, version: FicheVersion, by) -> FicheVersion:
    """A partner focal point consents to the draft as it stands. Raises NotAllowed, IllegalTransition."""
    ensure(by, "propose_fiche", version.action)
    version = FicheVersion.objects.select_for_update().get(pk=version.pk)
    _draft(version)
    with audit.tracking(version, by=by, note="partner agreed"):
        version.partner_agreed_on = today()
        version.partner_agreed_by = by
        version.save()
    notify(recipients=audience(version.action), event="actions.fiche_partner_agreed", params=news_params(version.action),
           target=version.action, url=action_url(version.action) + "fiche/", dedupe_key=f"fiche-partner-agreed-{version.pk}")
    return version


def _sync_activities(action: Action, version: FicheVersion, by) -> None:
    """Make the planned activities follow the agreed sequence (flexible Action design).

    Rows become activities by sequence number; planned or postponed ones take the new type, dates and
    place; activities already confirmed or later are left as they are; planned ones no longer in the
    fiche are cancelled with the version as reason.
    """
    existing = {a.sequence: a for a in action.activities.all()}
    seen = set()
    for row in version.activity_rows:
        seen.add(row["sequence"])
        activity = existing.get(row["sequence"])
        if activity is None:
            _activity_from_row(action, row, by=by)
        elif activity.status in (Activity.Status.PLANNED, Activity.Status.POSTPONED):
            before = audit.snapshot(activity)
            _activity_from_row(action, row, by=by, activity=activity)
            audit.record_update(activity, by=by, before=before, note=f"fiche v{version.number}")
    for sequence, activity in existing.items():
        if sequence not in seen and activity.status == Activity.Status.PLANNED:
            reason = _("Removed from the Action Fiche version %(n)d.") % {"n": version.number}
            transition(activity, to=Activity.Status.CANCELLED, by=by, note=reason, status_reason=reason)


@transaction.atomic
def fiche_agree(*, version: FicheVersion, by) -> FicheVersion:
    """Record the agreement of a draft fiche (staff). Version 1 agreed starts the Action (design -> ongoing).

    Guarantees: the version is agreed (the earlier agreed one superseded), activities follow its sequence,
    the Action's ``fiche_agreed_on`` is set the first time, focal points are told.
    Raises NotAllowed, IllegalTransition (not a draft; Action closed or cancelled), ValidationFailed (no
    overall objective, no activity, or the partner has not agreed while it has a focal point).
    """
    ensure(by, "edit_fiche", version.action)
    version = FicheVersion.objects.select_for_update().select_related("action").get(pk=version.pk)
    _draft(version)
    action = Action.objects.select_for_update().get(pk=version.action_id)
    if action.status in (Action.Status.COMPLETED, Action.Status.CANCELLED):
        raise IllegalTransition(_("This Action is closed."), code="action_closed")
    errors = {}
    if not version.section("overall_objective"):
        errors["overall_objective"] = [_("Write the overall objective before agreeing the fiche.")]
    if not version.activity_rows:
        errors["activities"] = [_("Plan at least one activity before agreeing the fiche.")]
    if focal_points(action) and version.partner_agreed_on is None:
        errors["partner"] = [_("A partner focal point must agree the fiche first.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    for earlier in action.fiche_versions.filter(status=FicheVersion.Status.AGREED):
        transition(earlier, to=FicheVersion.Status.SUPERSEDED, by=by)
    transition(version, to=FicheVersion.Status.AGREED, by=by, note=version.reason, agreed_on=today(), agreed_by=by)
    if action.fiche_agreed_on is None:
        action.fiche_agreed_on = version.agreed_on
        action.save()
    if action.status == Action.Status.DESIGN:
        transition(action, to=Action.Status.ONGOING, by=by, note=f"fiche v{version.number} agreed")
        delegation_inform_started(action)
    _sync_activities(action, version, by)
    notify(recipients=focal_points(action) + audience(action), event="actions.fiche_agreed",
           params=news_params(action, version=version.number), target=action,
           url=action_url(action) + "fiche/", dedupe_key=f"fiche-agreed-{version.pk}")
    return version


@transaction.atomic
def fiche_redesign(*, action: Action, by, reason: str) -> FicheVersion:
    """Start a new draft version from the agreed one, with the reason for the redesign.

    Raises NotAllowed, ValidationFailed (no reason), IllegalTransition (no agreed version yet, a draft
    already open, or the Action closed)."""
    ensure(by, "edit_fiche", action)
    reason = require_text(reason, field="reason", message=_("Say why the Action is redesigned."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status in (Action.Status.COMPLETED, Action.Status.CANCELLED):
        raise IllegalTransition(_("This Action is closed."), code="action_closed")
    if current_draft(action) is not None:
        raise IllegalTransition(_("A draft version is already open."), code="fiche_draft_open")
    agreed = action.fiche_versions.filter(status=FicheVersion.Status.AGREED).order_by("-number").first()
    if agreed is None:
        raise IllegalTransition(_("The fiche has not been agreed yet: keep editing the draft."), code="fiche_not_agreed")
    version = FicheVersion.objects.create(action=action, number=agreed.number + 1, content=dict(agreed.content), reason=reason)
    audit.record_create(version, by=by, note=reason)
    notify(recipients=focal_points(action) + watchers(action, besides=by), event="actions.fiche_redesign",
           params=news_params(action, reason=reason), target=action,
           url=action_url(action) + "fiche/", dedupe_key=f"fiche-redesign-{version.pk}")
    return version


@transaction.atomic
def fiche_comment_add(*, version: FicheVersion, by, body: str, idempotency_key: str | None = None) -> FicheComment:
    """Add a comment to a fiche version's thread (staff, the partner's focal points, or a steering-committee member
    while the version is a draft); the other side is told: staff comments go to the focal points and to the
    committee members who commented on this version, other comments to the Action's owner (every officer while it
    has none). Raises NotAllowed, ValidationFailed (empty), IllegalTransition (a committee member on a version
    that is no longer a draft)."""
    ensure(by, "comment_fiche", version.action)
    claim = creation_claim(scope="actions.fiche_comment_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    committee_only = (not is_staff(by) and is_committee_member(by)
                      and not is_partner_focal_point(by, version.action))
    if committee_only and version.status != FicheVersion.Status.DRAFT:
        raise IllegalTransition(_("The committee comments on the fiche while it is drafted; this version is no longer a draft."),
                                code="fiche_not_draft")
    body = require_text(body, field="body", message=_("Write a comment."))
    comment = FicheComment.objects.create(version=version, author=by, body=body[:10000])
    claim.fulfil(comment)
    audit.record_create(comment, by=by)
    action = version.action
    if is_staff(by):
        commenters = list(User.objects.filter(pk__in=version.comments.values("author_id"), is_active=True,
                                              roles__role=Role.COMMITTEE).distinct())
        recipients = focal_points(action) + commenters + watchers(action, besides=by)
    else:
        recipients = audience(action)
    notify(recipients=[r for r in recipients if r.pk != by.pk], event="actions.fiche_comment",
           params=news_params(version.action, text=body[:500]), target=version.action,
           url=action_url(version.action) + "fiche/", dedupe_key=f"fiche-comment-{comment.pk}")
    return comment


@transaction.atomic
def fiche_propose(*, version: FicheVersion, by, section: str, text: str, idempotency_key: str | None = None) -> FicheProposal:
    """A partner focal point proposes new text for one section of a draft. Raises NotAllowed,
    IllegalTransition (not a draft), ValidationFailed (unknown section, empty text)."""
    ensure(by, "propose_fiche", version.action)
    claim = creation_claim(scope="actions.fiche_propose", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    _draft(version)
    if section not in SECTION_KEYS + [FICHE_ACTIVITIES]:
        raise ValidationFailed(_("Choose a section of the fiche."), field="section", errors={"section": [_("Choose a section of the fiche.")]})
    text = require_text(text, field="text", message=_("Write the text you propose."))
    proposal = FicheProposal.objects.create(version=version, author=by, section=section, text=text[:MAX_SECTION_CHARS])
    claim.fulfil(proposal)
    audit.record_create(proposal, by=by)
    notify(recipients=audience(version.action), event="actions.fiche_proposal",
           params=news_params(version.action, text=text[:500]), target=version.action,
           url=action_url(version.action) + "fiche/", dedupe_key=f"fiche-proposal-{proposal.pk}")
    return proposal


@transaction.atomic
def fiche_proposal_decide(*, proposal: FicheProposal, by, accept: bool, note: str = "") -> FicheProposal:
    """Staff accept (the text replaces that section of the draft; a proposal on the activities is recorded
    for staff to apply row by row) or decline (a note is required) an open proposal.
    Raises NotAllowed, IllegalTransition (already decided, version no longer a draft), ValidationFailed."""
    ensure(by, "edit_fiche", proposal.version.action)
    proposal = FicheProposal.objects.select_for_update().select_related("version").get(pk=proposal.pk)
    if proposal.status != FicheProposal.Status.OPEN:
        raise IllegalTransition(_("This proposal has already been decided."), code="proposal_decided")
    version = FicheVersion.objects.select_for_update().get(pk=proposal.version_id)
    _draft(version)
    if not accept:
        note = require_text(note, field="note", message=_("Say why the proposal is declined."))
    note = (note or "").strip()
    transition(proposal, to=FicheProposal.Status.ACCEPTED if accept else FicheProposal.Status.DECLINED, by=by,
               note=note, decided_by=by, decided_at=timezone.now(), decision_note=note)
    if accept and proposal.section in SECTION_KEYS:
        with audit.tracking(version, by=by, note=f"proposal {proposal.pk} accepted"):
            content = dict(version.content)
            content[proposal.section] = proposal.text
            version.content = content
            version.save()
    notify(recipients=[proposal.author], event="actions.fiche_proposal_decided",
           params=news_params(version.action, accepted=bool(accept), note=proposal.decision_note), target=version.action,
           url=action_url(version.action) + "fiche/", dedupe_key=f"fiche-proposal-decided-{proposal.pk}")
    return proposal


def labelled_rows(rows) -> list[dict]:
    """Activity rows with ``type_label`` and ``language_label`` in the reader's language (codes are never shown);
    two queries whatever the number of rows."""
    rows = list(rows or [])
    types = {t.code: str(t) for t in ActivityType.objects.filter(code__in={r.get("type") for r in rows if r.get("type")})}
    languages = {x.code: str(x) for x in Language.objects.filter(code__in={r.get("language") for r in rows if r.get("language")})}
    return [dict(row, type_label=types.get(row.get("type"), ""), language_label=languages.get(row.get("language"), ""))
            for row in rows]


def fiche_text(version: FicheVersion) -> list[str]:
    """The version as lines of text, section by section, for comparison (labels in the reader's language)."""
    lines = []
    for key, label in FICHE_TEXT_SECTIONS:
        lines.append(f"## {gettext(str(label))}")
        lines.extend((version.section(key) or "—").splitlines() or ["—"])
        lines.append("")
    lines.append(f"## {gettext('Activities')}")
    for row in labelled_rows(version.activity_rows):
        where = gettext("online") if row.get("online") else (row.get("place") or "—")
        lines.append(
            f"{row['sequence']}. [{row['type_label'] or '—'}] {row.get('title') or ''} | {row.get('start_date') or '?'} – "
            f"{row.get('end_date') or '?'} | {where} | {row['language_label'] or '—'} | {row.get('participants') or '—'} | "
            f"{row.get('expert_profile') or '—'}"
        )
    return lines


def fiche_diff(older: FicheVersion, newer: FicheVersion) -> list[tuple[str, str]]:
    """A unified difference as (kind, line) with kind in {'same', 'added', 'removed', 'hunk'}."""
    result = []
    for line in difflib.unified_diff(fiche_text(older), fiche_text(newer), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            result.append(("hunk", line))
        elif line.startswith("+"):
            result.append(("added", line[1:]))
        elif line.startswith("-"):
            result.append(("removed", line[1:]))
        else:
            result.append(("same", line[1:]))
    return result


__all__ = ["clean_content", "current_draft", "fiche_save", "fiche_partner_agree", "fiche_agree", "fiche_redesign",
           "fiche_comment_add", "fiche_propose", "fiche_proposal_decide", "fiche_text", "fiche_diff", "labelled_rows",
           "NotAllowed"]
