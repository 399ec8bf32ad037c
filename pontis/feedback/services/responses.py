"""Submitting a response: validated against the questionnaire's current version, stored exactly once.

Exactly once rests on two unique columns of ``Response``:

- ``token_digest``: the SHA-256 of the personal link's token, or of the QR code's open key and the device key;
- ``client_id``: a UUID the form (or the API client) generates once per filling-in and sends with every retry.

A second submission with either finds the first response and answers it with ``created=False``; two submissions
racing each other meet at the unique index: the loser's INSERT fails inside a savepoint and it answers the winner's
response (PostgreSQL makes it wait for the winner's commit; SQLite runs writers one after the other).

The web form (views_respond.py) and the API (api_responses.py) both call ``response_submit``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontis.actions.models import Activity, FollowUp
from pontis.actions.services.followups import followup_record
from pontis.core.errors import Conflict, DomainError, IllegalTransition, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.permissions import can

from ..models import SATISFIED_FROM, Answer, Draft, Invitation, Questionnaire, QuestionnaireVersion, Response

TEXT_MAX = 5000  # characters of one free-text answer (about two pages)
RATING_MIN, RATING_MAX = 1, 5
CLIENT_ID_KEY = "__client_id"  # where a draft keeps the form's client_id (Draft has no column for it)


class UnknownLink(DomainError):
    """The personal link or the QR code does not exist (the API answers 404)."""

    status_code = 404
    default_message = gettext_lazy("This link is not valid. Check that you copied all of it.")


class QuestionnaireClosed(IllegalTransition):
    default_message = gettext_lazy("This questionnaire is closed: it no longer takes answers.")


# ---------------------------------------------------------------- digests


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_digest(token: str) -> str:
    """What a personal link leaves in ``Response.token_digest`` and ``Draft.resume_key``."""
    return digest("link:" + token)


def device_digest(open_key: str, device_key: str) -> str:
    """What a QR response leaves: one per questionnaire and device."""
    return digest("qr:" + open_key + ":" + device_key)


def response_person_key(person_key: str) -> str:
    """A keyed digest of the invitation's person key: the same person's responses still pair up (pre/post,
    across questionnaires), but ``Response.person_key`` cannot be joined to ``Invitation.person_key`` by anyone
    reading the database (it takes the server's secret key)."""
    if not person_key:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ("feedback-response:" + person_key).encode(),
                    hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- reading the target


def questionnaire_is_open(questionnaire: Questionnaire, *, now=None) -> bool:
    if questionnaire.status != Questionnaire.Status.OPEN or questionnaire.is_template:
        return False
    return questionnaire.closes_at is None or questionnaire.closes_at > (now or timezone.now())


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return QuestionnaireVersion.objects.filter(questionnaire=questionnaire).order_by("-number").first()


# Launched versions never change, so each process keeps the ones being answered in memory, by id: a questionnaire
# answered 200 times a second would otherwise read and decode its frozen questions every time. Which version is
# current comes with the submission's first query (``_with_current``), so a new launch is seen at once.
_VERSIONS: dict[tuple, QuestionnaireVersion] = {}
_ACTIONS: dict[tuple, int | None] = {}
_CACHE_MAX = 512


def _with_current(queryset, questionnaire_ref: str = "pk"):
    """``queryset`` annotated with ``current_version_id``, the id of the highest version of the questionnaire that
    ``questionnaire_ref`` names in the outer query (its ``pk``, or an invitation's ``questionnaire``). One small
    subquery: each join or subquery more costs the database more to plan than to run (about 1 ms with three)."""
    latest = QuestionnaireVersion.objects.filter(questionnaire=OuterRef(questionnaire_ref)).order_by("-number")
    return queryset.annotate(current_version_id=Subquery(latest.values("pk")[:1]))


def _remember(store: dict, key, value):
    if len(store) >= _CACHE_MAX:
        store.clear()
    store[key] = value
    return value


def _current(questionnaire: Questionnaire) -> tuple[QuestionnaireVersion | None, int | None]:
    """The questionnaire's current version and the Action its responses count for. Both are kept per process under
    keys that include the questionnaire's creation time, so an id that SQLite gives again after a deletion never
    finds another questionnaire's entry."""
    born = (questionnaire.pk, questionnaire.created_at)
    version_id = getattr(questionnaire, "current_version_id", None)
    if version_id is None:
        version = current_version(questionnaire)
    else:
        version = _VERSIONS.get((version_id, *born))
        if version is None:
            version = _remember(_VERSIONS, (version_id, *born), QuestionnaireVersion.objects.get(pk=version_id))
    key = (*born, questionnaire.action_id, questionnaire.activity_id, questionnaire.follow_up_id)
    if key in _ACTIONS:
        return version, _ACTIONS[key]
    action_id = questionnaire.action_id
    if action_id is None and questionnaire.activity_id:
        action_id = Activity.objects.filter(pk=questionnaire.activity_id).values_list("action_id", flat=True).first()
    if action_id is None and questionnaire.follow_up_id:
        action_id = FollowUp.objects.filter(pk=questionnaire.follow_up_id).values_list("action_id", flat=True).first()
    return version, _remember(_ACTIONS, key, action_id)


def resolve_target(*, token=None, open_key=None, device_key=None, questionnaire=None):
    """(questionnaire, invitation or None, digest or None) for a personal link, a QR code and device, or a
    questionnaire given directly. Raises UnknownLink."""
    if token:
        invitation = next(iter(_with_current(Invitation.objects.select_related("questionnaire"), "questionnaire")
                               .filter(token=str(token)[:64]).order_by()[:1]), None)
        if invitation is None:
            raise UnknownLink(code="unknown_link")
        invitation.questionnaire.current_version_id = invitation.current_version_id
        return invitation.questionnaire, invitation, token_digest(invitation.token)
    if open_key:
        found = next(iter(_with_current(Questionnaire.objects.all()).filter(open_key=str(open_key)[:64])
                          .order_by()[:1]), None)
        if found is None:
            raise UnknownLink(code="unknown_link")
        device = str(device_key or "").strip()
        if not device:
            message = _("A device key is needed to answer through a QR code.")
            raise ValidationFailed(message, field="device_id", errors={"device_id": [message]})
        return found, None, device_digest(found.open_key, device[:200])
    if questionnaire is not None:
        return questionnaire, None, None
    raise UnknownLink(code="unknown_link")


# ---------------------------------------------------------------- validation


def _labels_for(question: dict) -> set[str]:
    return {str(c.get("value")) for c in question.get("choices") or []}


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _score(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        return None
    return number if RATING_MIN <= number <= RATING_MAX else None


def validate_answers(version: QuestionnaireVersion, answers) -> list[dict]:
    """The answers as rows for ``Answer`` (no query). Raises ValidationFailed naming every question at fault
    (``field`` is the first, ``errors`` maps each key to its message)."""
    if not isinstance(answers, dict):
        message = _("The answers must be an object of question keys and values.")
        raise ValidationFailed(message, field="answers", errors={"answers": [message]})
    questions = version.questions or []
    by_key = {q["key"]: q for q in questions}
    errors: dict[str, list[str]] = {}
    for key in answers:
        if key not in by_key:
            errors[str(key)[:60]] = [_("There is no question “%(key)s” in this questionnaire.") % {"key": str(key)[:60]}]
    rows = []
    for question in questions:
        key, kind = question["key"], question.get("type")
        value = answers.get(key)
        if _blank(value):
            if question.get("required"):
                errors[key] = [_("Answer this question.")]
            continue
        row = {"key": key, "type": kind, "number": None, "choices": [], "text": "",
               "criterion": question.get("criterion") or "", "level": question.get("level") or "",
               "pair": question.get("pair") or "", "phase": question.get("phase") or ""}
        if kind in ("rating", "knowledge"):
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            number = _score(value)
            if number is None:
                errors[key] = [_("Choose a whole number from 1 to 5.")]
                continue
            row["number"] = number
        elif kind == "single":
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if not isinstance(value, str) or value not in _labels_for(question):
                errors[key] = [_("Choose one of the answers offered.")]
                continue
            row["choices"] = [value]
        elif kind == "multiple":
            values = value if isinstance(value, list) else [value]
            allowed = _labels_for(question)
            if not all(isinstance(v, str) and v in allowed for v in values):
                errors[key] = [_("Choose only among the answers offered.")]
                continue
            row["choices"] = list(dict.fromkeys(values))
        elif kind == "text":
            if not isinstance(value, str) or "\x00" in value:
                errors[key] = [_("Write your answer as text.")]
                continue
            text = value.strip()
            if len(text) > TEXT_MAX:
                errors[key] = [_("Write at most %(n)s characters.") % {"n": TEXT_MAX}]
                continue
            row["text"] = text
        else:  # a version written by hand with a type the builder does not make
            errors[key] = [_("This question cannot be answered.")]
            continue
        rows.append(row)
    if errors:
        first = next(iter(errors))
        message = _("Check your answer to “%(key)s”.") % {"key": first} if len(errors) == 1 else \
            _("Check your answers: %(keys)s.") % {"keys": ", ".join(errors)}
        raise ValidationFailed(message, field=first, errors=errors, code="invalid_answer")
    return rows


def response_summaries(rows) -> dict:
    """The four numbers a response stores about its answers (no query), from rows shaped like
    ``validate_answers``' (dicts with ``type``, ``number``, ``level``, ``pair``, ``phase``):

    - ``reaction_ratings``: rating answers at the "reaction" level with a number; ``reaction_satisfied``: those of
      ``SATISFIED_FROM`` or more;
    - ``knowledge_pairs``: the knowledge pairs answered both before and after; ``knowledge_gain``: the sum over
      those pairs of the mean "after" score minus the mean "before" score.

    ``Answer.objects.bulk_create`` and migration 0003 compute the same numbers in SQL (``fill_response_summaries``)."""
    ratings = satisfied = 0
    scores: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        number = row["number"]
        if number is None:
            continue
        if row["type"] == "rating" and row["level"] == "reaction":
            ratings += 1
            satisfied += number >= SATISFIED_FROM
        elif row["type"] == "knowledge" and row["pair"] and row["phase"] in ("pre", "post"):
            scores.setdefault(row["pair"], {"pre": [], "post": []})[row["phase"]].append(number)
    matched = [s for s in scores.values() if s["pre"] and s["post"]]
    gain = sum(sum(s["post"]) / len(s["post"]) - sum(s["pre"]) / len(s["pre"]) for s in matched)
    return {"reaction_ratings": ratings, "reaction_satisfied": int(satisfied), "knowledge_pairs": len(matched),
            "knowledge_gain": float(gain)}


def _client_uuid(client_id) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except (TypeError, ValueError, AttributeError):
        message = _("client_id must be a UUID.")
        raise ValidationFailed(message, field="client_id", errors={"client_id": [message]}) from None


# ---------------------------------------------------------------- the service


def _existing(*, digest_value, client_id):
    condition = Q(client_id=client_id)
    if digest_value:
        condition |= Q(token_digest=digest_value)
    return list(Response.objects.filter(condition).order_by()[:2])


def _answer_the_existing(found, digest_value):
    """The stored response for this link or device. A client_id already used by another link or device is refused
    (answering it would show someone else's answers)."""
    for response in found:
        if digest_value and response.token_digest == digest_value:
            return response
    for response in found:
        if not digest_value and response.token_digest is None:
            return response
    raise Conflict(_("This submission id was already used for another response."), code="client_id_used")


def response_submit(*, questionnaire=None, token=None, open_key=None, device_key=None, client_id,
                    answers: dict, language: str = "", channel: str) -> tuple[Response, bool]:
    """Store one response, exactly once, and answer ``(response, created)``.

    A second call with the same personal token, the same QR device, or the same ``client_id`` stores nothing and
    answers the first response with ``created=False`` (also while a first call is still committing). Sets the
    invitation's ``answered_at`` in the same transaction; an anonymous questionnaire's response keeps no link to
    its invitation. A follow-up questionnaire records the outcome on the Action's follow-up (actions' service).

    Raises UnknownLink (404), ValidationFailed naming the question key (422), QuestionnaireClosed (409), Conflict
    (409: a client_id already used for another link).
    """
    target, invitation, digest_value = resolve_target(token=token, open_key=open_key, device_key=device_key,
                                                      questionnaire=questionnaire)
    client_uuid = _client_uuid(client_id)
    # A personal link not yet answered has no response: skip the look-up (a race with a second tab, or a client_id
    # already used elsewhere, still ends on the unique constraints below).
    if invitation is None or invitation.answered_at is not None:
        found = _existing(digest_value=digest_value, client_id=client_uuid)
        if found:
            return _answer_the_existing(found, digest_value), False
    if not questionnaire_is_open(target):
        raise QuestionnaireClosed(code="questionnaire_closed")
    version, action_id = _current(target)
    if version is None:
        raise QuestionnaireClosed(code="questionnaire_closed")
    rows = validate_answers(version, answers)
    languages = version.languages or target.languages or []
    language = (language or "").split("-")[0]
    if language not in languages:
        language = (invitation.language if invitation and invitation.language in languages else
                    (languages[0] if languages else ""))
    now = timezone.now()
    anonymous = target.anonymity == Questionnaire.Anonymity.ANONYMOUS
    try:
        # One transaction and no savepoint of its own (two round trips fewer per submission): when the insert
        # loses a race with the same link, device or client_id, nothing else has been written yet and the whole
        # block is rolled back; the winner's response is answered below.
        with transaction.atomic():
            response = _store(target=target, version=version, client_uuid=client_uuid, digest_value=digest_value,
                              invitation=invitation, anonymous=anonymous, language=language, channel=channel,
                              now=now, action_id=action_id, rows=rows)
    except IntegrityError:
        return _answer_the_existing(_existing(digest_value=digest_value, client_id=client_uuid), digest_value), False
    response._prefetched_rows = rows
    return response, True


def _store(*, target, version, client_uuid, digest_value, invitation, anonymous, language, channel, now, action_id,
           rows) -> Response:
    response = Response(
        questionnaire=target, version=version, client_id=client_uuid, token_digest=digest_value,
        invitation=None if anonymous or invitation is None else invitation,
        person_key=response_person_key(invitation.person_key) if invitation else "",
        language=language, channel=channel, submitted_at=now,
        activity_id=target.activity_id, meeting_id=target.meeting_id, action_id=action_id,
        **response_summaries(rows),
    )
    # One INSERT ... RETURNING id, without save()'s signals and per-field steps (nothing listens to a response
    # being saved); PostgreSQL and SQLite both give the id back.
    Response.objects.bulk_create([response])
    _insert_answers(response.pk, rows)
    if invitation is not None:
        # "Who has answered", apart from the answers; for an anonymous questionnaire only the day is kept, so
        # that the time cannot tie the invitation to the response.
        answered = now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now
        Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(answered_at=answered)
    if digest_value and (invitation is None or invitation.draft_kept):
        Draft.objects.filter(resume_key=digest_value).delete()
    if target.follow_up_id:
        _record_follow_up(target, invitation, version, rows)
    return response


_ANSWER_COLUMNS = ("response_id", "key", "type", "number", "choices", "text", "criterion", "level", "pair", "phase")


def _insert_answers(response_id: int, rows: list[dict]) -> None:
    """The answers in one multi-row INSERT written here rather than by ``bulk_create``: the ORM spent about 1 ms of
    CPU preparing eight rows field by field, this 0.4 ms, on the route that must take hundreds of responses a
    second. The rows come from ``validate_answers`` (plain values); ``choices`` is stored as JSON text, as
    JSONField stores it, on PostgreSQL and SQLite alike."""
    if not rows:
        return
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _ANSWER_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_ANSWER_COLUMNS)) + ")"
    params: list = []
    for row in rows:
        params += [response_id, row["key"], row["type"], row["number"], json.dumps(row["choices"]), row["text"],
                   row["criterion"], row["level"], row["pair"], row["phase"]]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}", params)


def _outcome_text(version: QuestionnaireVersion, rows: list[dict], language: str) -> str:
    texts = {q["key"]: q for q in version.questions or []}
    lines = []
    for row in rows:
        question = texts.get(row["key"], {})
        label = str(translate(question.get("text") or {}, language)) or row["key"]
        if row["text"]:
            value = row["text"]
        elif row["number"] is not None:
            value = f"{row['number']}/5"
        else:
            value = ", ".join(row["choices"])
        lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _record_follow_up(questionnaire, invitation, version, rows) -> None:
    """Record the outcome on the Action's follow-up through actions' own service (its permission, its audit row).

    The person who answers usually has no account: the outcome is recorded in the name of the invitee's account
    when it may record follow-ups, else of the staff member who made the questionnaire. A follow-up already
    recorded (a second respondent, or recorded by hand) is left as it is."""
    follow_up = questionnaire.follow_up
    user = invitation.user if invitation is not None and invitation.user_id else None
    by = user if user is not None and can(user, "record_follow_up", follow_up.action) else questionnaire.created_by
    if by is None:
        return
    outcome = _outcome_text(version, rows, settings.LANGUAGE_CODE)
    if not outcome:
        return
    try:
        followup_record(follow_up=follow_up, by=by, outcome=outcome)
    except DomainError:
        pass


def response_answers(response: Response) -> dict:
    """``{key: value}`` as the respondent sent them (numbers, a value, a list of values or text)."""
    rows = getattr(response, "_prefetched_rows", None)
    if rows is None:
        rows = [{"key": a.key, "type": a.type, "number": a.number, "choices": a.choices, "text": a.text}
                for a in response.answers.all()]
    out = {}
    for row in rows:
        if row["type"] in ("rating", "knowledge"):
            out[row["key"]] = row["number"]
        elif row["type"] == "single":
            out[row["key"]] = row["choices"][0] if row["choices"] else None
        elif row["type"] == "multiple":
            out[row["key"]] = list(row["choices"])
        else:
            out[row["key"]] = row["text"]
    return out


# ---------------------------------------------------------------- drafts (resume later)


def _uuid_text(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        return None


def draft_open(*, questionnaire: Questionnaire, resume_key: str, language: str = "", client_id=None,
               create: bool = True, invitation: Invitation | None = None) -> Draft | None:
    """The half-finished form of this link or device, made on first sight (unless ``create`` is False) with its
    ``client_id``: the one given (the id the page was rendered with) or a new uuid4. It is kept in the draft, so a
    double tap, a second tab or a resumed form submit with the same id. No account, no audit row: a draft is the
    respondent's scratch pad, deleted when the response is stored. A personal link's ``invitation`` is marked
    ``draft_kept`` so that its submission knows there is a draft to delete."""
    draft = Draft.objects.filter(resume_key=resume_key).first()
    if draft is None:
        if not create:
            return None
        try:
            with transaction.atomic():
                draft = Draft.objects.create(questionnaire=questionnaire, resume_key=resume_key, language=language,
                                             answers={CLIENT_ID_KEY: _uuid_text(client_id) or str(uuid.uuid4())})
                if invitation is not None and not invitation.draft_kept:
                    Invitation.objects.filter(pk=invitation.pk).update(draft_kept=True)
                    invitation.draft_kept = True
        except IntegrityError:
            draft = Draft.objects.get(resume_key=resume_key)
    if CLIENT_ID_KEY not in draft.answers:
        draft.answers[CLIENT_ID_KEY] = _uuid_text(client_id) or str(uuid.uuid4())
        draft.save(update_fields=["answers", "updated_at"])
    return draft


def draft_client_id(draft: Draft) -> str:
    return str(draft.answers.get(CLIENT_ID_KEY) or "")


def draft_answers(draft: Draft) -> dict:
    return {k: v for k, v in (draft.answers or {}).items() if k != CLIENT_ID_KEY}


def draft_save(*, draft: Draft, answers: dict, language: str = "") -> Draft:
    """Keep what the respondent has typed so far (only keys of the current version; nothing is validated)."""
    version = current_version(draft.questionnaire)
    keys = {q["key"] for q in (version.questions if version else [])}
    kept = {k: v for k, v in (answers or {}).items() if k in keys}
    kept[CLIENT_ID_KEY] = draft_client_id(draft) or str(uuid.uuid4())
    draft.answers = kept
    if language:
        draft.language = language[:10]
    draft.save(update_fields=["answers", "language", "updated_at"])
    return draft


# ---------------------------------------------------------------- rate limits (open routes, no account)

# Guessing links: at most this many unknown links per network address in ten minutes. Answering: at most this many
# submissions of one link or device per minute (a retry loop, not a crowd: a room of people behind one address
# answering the same QR code is never held back, nor is the load benchmark).
UNKNOWN_LINKS_PER_ADDRESS = 30
SUBMISSIONS_PER_LINK = 20


def throttled(scope: str, ident: str, *, limit: int, window: int, hit: bool = True) -> bool:
    """Count one hit of ``ident`` in ``scope`` (a cache counter per window) and say whether it is over ``limit``."""
    key = f"feedback:{scope}:{digest(ident)}"
    if not hit:
        return (cache.get(key) or 0) >= limit
    if cache.add(key, 1, window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        count = 1
    return count > limit
