"""The moves of a request: submission, screening, the committee's decision. One function per move.

Each function locks the row, checks permission (NotAllowed, 403), then the move (IllegalTransition, 409), then
the input (ValidationFailed, 422); only then does it change anything, write the audit row and notify.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.accounts.models import Role, User
from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.following import followers, news_audience
from pontis.core.i18n import translate
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import check_transition, transition

from ..eligibility import eligibility_checks, is_eligible
from ..models import Comment, Decision, Request
from ..models import RequestStatus as S
from .delegation import delegation_inform_approved
from .ownership import request_take_default_owner


def _locked(request: Request) -> Request:
    """The current row, locked until the transaction ends, so two clicks cannot both move it."""
    return Request.objects.select_for_update().get(pk=request.pk)


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field, errors={field: message})
    return value


def _url(request: Request) -> str:
    return reverse("intake:detail", args=[request.pk])


def _title(request: Request) -> str:
    return str(translate(request.title)) or _("Untitled request")


def _users_with_role(role):
    return list(User.objects.filter(roles__role=role, is_active=True).distinct())


def _requesters(request: Request):
    """The author and the focal points of every requesting institution."""
    ids = list(request.institutions.values_list("pk", flat=True))
    people = list(User.objects.filter(roles__role=Role.FOCAL_POINT, roles__institution__in=ids, is_active=True).distinct())
    return [request.submitted_by, *people]


def _officers():
    return _users_with_role(Role.OFFICER)


def _untitled() -> dict:
    """"Untitled request" in every interface language (a request's news needs a name to read)."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[code] = _("Untitled request")
    return names


def _news_params(request: Request, **extra) -> dict:
    """What every request event carries: its id, title, requesting institutions and who reads "your request"."""
    institutions = [i.acronym or i.name for i in request.institutions.all()]
    return {"request": request.pk, "title": request.title if translate(request.title) else _untitled(),
            "institutions": institutions, "requesters": [u.pk for u in _requesters(request) if u is not None], **extra}


def _audience(request: Request) -> list:
    """The staff told about this request: its owner and followers, else its region's coordinator, else every
    officer (pontis.core.following)."""
    country = request.countries.select_related("region__coordinator").first()
    return news_audience(request, owner=request.owner, region=country.region if country else None)


def _notify(recipients, request: Request, event: str, *, by=None, **params):
    """Tell ``recipients`` of the move (never ``by``, who made it)."""
    recipients = [u for u in recipients if u is not None and (by is None or u.pk != by.pk)]
    notify(recipients=recipients, event=f"intake.{_EVENTS[event]}", params=_news_params(request, **params),
           target=request, url=_url(request),
           dedupe_key=f"intake:{request.pk}:{event}:{request.status_changed_at.isoformat()}")


# The short names the dedupe keys have always used, and the events (intake/news.py) they stand for.
_EVENTS = {"submitted": "request_submitted", "withdrawn": "request_withdrawn", "info": "info_requested",
           "answered": "request_answered", "forwarded": "request_forwarded", "rejected": "request_rejected",
           "deferred": "request_deferred", "approved": "request_approved"}


def missing_for_submission(request: Request) -> dict:
    """What must be filled before a request can be submitted: field name -> message."""
    missing = {}
    if not translate(request.title):
        missing["title"] = _("Give the request a title.")
    if not request.institutions.exists():
        missing["institutions"] = _("Choose at least one requesting institution.")
    if not request.countries.exists():
        missing["countries"] = _("Choose at least one country.")
    if not request.themes.exists():
        missing["themes"] = _("Choose at least one thematic area.")
    if not request.problem.strip():
        missing["problem"] = _("Describe the problem.")
    if not request.objectives.strip():
        missing["objectives"] = _("Say what you want to achieve.")
    if not request.has_endorsement:
        missing["endorsement"] = _(
            "Add the endorsement of your institution's leadership: upload a letter, or give the name and position of a senior official."
        )
    return missing


@transaction.atomic
def request_submit(*, request: Request, by) -> Request:
    """Submit a complete draft: checks eligibility, records it with its reasons, and notifies the officers.

    Raises NotAllowed (not a requester), IllegalTransition (not a draft), ValidationFailed (``errors`` lists what is
    missing, including the endorsement).
    """
    request = _locked(request)
    ensure(by, "submit", request)
    check_transition(request, S.SUBMITTED)
    missing = missing_for_submission(request)
    if missing:
        raise ValidationFailed(_("The request cannot be submitted yet: some information is missing."), errors=missing)
    checks = eligibility_checks(request)
    transition(request, to=S.SUBMITTED, by=by, submitted_at=timezone.now(), eligibility=checks, eligible=is_eligible(checks))
    request_take_default_owner(request)  # the regional coordinator, when the request has no owner yet
    _notify(_audience(request), request, "submitted")
    return request


@transaction.atomic
def request_withdraw(*, request: Request, by, reason: str = "") -> Request:
    """The requester withdraws the request (from draft, or while it is still open). Raises NotAllowed, IllegalTransition."""
    request = _locked(request)
    ensure(by, "withdraw", request)
    check_transition(request, S.WITHDRAWN)
    was_draft = request.status == S.DRAFT
    transition(request, to=S.WITHDRAWN, by=by, note=(reason or "").strip(), closed_reason=(reason or "").strip(),
          decided_at=timezone.now())
    if not was_draft:
        _notify(_audience(request), request, "withdrawn", by=by, reason=(reason or "").strip())
    return request


@transaction.atomic
def request_ask_info(*, request: Request, by, question: str) -> Request:
    """An officer asks the requester for information: the question joins the thread, the request waits for the
    requester, who is notified in the app and by e-mail. Raises NotAllowed, IllegalTransition, ValidationFailed."""
    request = _locked(request)
    ensure(by, "ask_info", request)
    check_transition(request, S.INFO_REQUESTED)
    question = _required(question, "question", _("Write the question for the requester."))
    Comment.objects.create(request=request, author=by, kind=Comment.Kind.QUESTION, body=question)
    transition(request, to=S.INFO_REQUESTED, by=by, note=question)
    _notify(_requesters(request), request, "info", question=question)
    return request


@transaction.atomic
def request_answer(*, request: Request, by, answer: str) -> Request:
    """The requester answers; the request returns to screening and the officers who asked are notified.

    Raises NotAllowed, IllegalTransition (no question pending), ValidationFailed (empty answer).
    """
    request = _locked(request)
    ensure(by, "answer", request)
    check_transition(request, S.SUBMITTED)
    if request.status != S.INFO_REQUESTED:
        raise IllegalTransition(_("No question is waiting for an answer."))
    answer = _required(answer, "answer", _("Write your answer."))
    Comment.objects.create(request=request, author=by, kind=Comment.Kind.ANSWER, body=answer)
    # The answer may have changed countries or institutions: eligibility is checked again.
    checks = eligibility_checks(request)
    transition(request, to=S.SUBMITTED, by=by, note=answer, eligibility=checks, eligible=is_eligible(checks))
    askers = list(User.objects.filter(pk__in=request.comments.filter(kind=Comment.Kind.QUESTION).values("author")))
    _notify(askers + list(followers(request)) if askers else _audience(request), request, "answered", by=by, answer=answer)
    return request


@transaction.atomic
def request_forward(*, request: Request, by, justification: str = "") -> Request:
    """Forward a screened (or deferred) request to the steering committee, whose members are notified.

    A request found not eligible is forwarded only with a recorded justification.
    Raises NotAllowed, IllegalTransition, ValidationFailed (justification missing).
    """
    request = _locked(request)
    ensure(by, "forward", request)
    check_transition(request, S.FORWARDED)
    justification = (justification or "").strip()
    fields = {"forwarded_at": timezone.now()}
    if request.eligible is False:
        justification = _required(justification, "justification",
                                  _("This request is not eligible: explain why it should go to the committee anyway."))
        fields["eligibility_override"] = justification
    transition(request, to=S.FORWARDED, by=by, note=justification, **fields)
    _notify(_users_with_role(Role.COMMITTEE) + list(followers(request)), request, "forwarded", by=by,
            justification=justification)
    return request


def _decide(request: Request, *, by, outcome: str, target: str, reason: str) -> Decision:
    decision = Decision.objects.create(request=request, outcome=outcome, reason=reason, decided_by=by)
    audit.record_create(decision, by=by)
    return decision


def _notify_decision(request: Request, event: str, reason: str, *, by):
    _notify(_requesters(request) + _audience(request), request, event, by=by, reason=reason)


@transaction.atomic
def request_reject(*, request: Request, by, reason: str) -> Request:
    """Refuse a request, with its reason (required), kept and sent to the requester.

    Officers reject at screening (submitted or deferred); committee members reject what was forwarded to them.
    Raises NotAllowed, IllegalTransition, ValidationFailed (no reason).
    """
    request = _locked(request)
    ensure(by, "reject", request)
    check_transition(request, S.REJECTED)
    reason = _required(reason, "reason", _("Give the reason for the rejection; the requester will read it."))
    if request.status == S.FORWARDED:
        _decide(request, by=by, outcome=Decision.Outcome.REJECT, target=S.REJECTED, reason=reason)
    transition(request, to=S.REJECTED, by=by, note=reason, closed_reason=reason, decided_at=timezone.now())
    _notify_decision(request, "rejected", reason, by=by)
    return request


@transaction.atomic
def request_defer(*, request: Request, by, reason: str) -> Request:
    """The committee defers a forwarded request, with a reason (required). Staff may forward it again later.

    Raises NotAllowed, IllegalTransition, ValidationFailed.
    """
    request = _locked(request)
    ensure(by, "decide", request)
    check_transition(request, S.DEFERRED)
    reason = _required(reason, "reason", _("Give the reason for deferring; the requester will read it."))
    _decide(request, by=by, outcome=Decision.Outcome.DEFER, target=S.DEFERRED, reason=reason)
    transition(request, to=S.DEFERRED, by=by, note=reason, closed_reason=reason)
    _notify_decision(request, "deferred", reason, by=by)
    return request


@transaction.atomic
def request_record_approval(*, request: Request, by, reason: str = "") -> Request:
    """Record the committee's approval of a forwarded request: the decision, the move to approved, the notice.

    Approval as a whole (this decision and the Action it creates, in one transaction) is
    ``pontis.actions.services.request_approve``, which calls this; intake stays the only writer of its tables.
    Raises NotAllowed, IllegalTransition.
    """
    request = _locked(request)
    ensure(by, "decide", request)
    check_transition(request, S.APPROVED)
    reason = (reason or "").strip()
    _decide(request, by=by, outcome=Decision.Outcome.APPROVE, target=S.APPROVED, reason=reason)
    transition(request, to=S.APPROVED, by=by, note=reason, decided_at=timezone.now(), closed_reason=reason)
    _notify_decision(request, "approved", reason, by=by)
    delegation_inform_approved(request)
    return request


@transaction.atomic
def request_note(*, request: Request, by, body: str, idempotency_key: str | None = None) -> Comment:
    """An internal note from staff or a committee member (never shown to the requester).

    The same ``idempotency_key`` twice (a double-submitted form) answers the note the first one added.
    Raises NotAllowed, ValidationFailed (empty).
    """
    request = _locked(request)
    ensure(by, "note", request)
    claim = creation_claim(scope="intake.request_note", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    body = _required(body, "body", _("Write the note."))
    if len(body) > 10000:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": 10000}, field="body")
    comment = Comment.objects.create(request=request, author=by, kind=Comment.Kind.NOTE, body=body)
    audit.record_create(comment, by=by)
    return claim.fulfil(comment)
