"""Building questionnaires: create (blank or from a template), edit questions and choices, launch (freeze a
version), close and reopen.

The ``Question``/``Choice`` rows are the working copy staff edit; respondents only ever see a frozen
``QuestionnaireVersion``. Launching checks the working copy (see ``launch_problems``) and freezes it as the next
version; editing an open or closed questionnaire and launching again makes version 2, 3... while every response
keeps the version it answered. A question's key is a stable slug: unique per questionnaire and never changed once
a version holding it was launched (exports and indicators line versions up by it).

The frozen ``questions`` list has exactly this shape (the respondents' form, the API and indicators read it)::

    {"key": "overall", "type": "rating", "text": {"en": ..., "fr": ...}, "help": {...}, "required": true,
     "criterion": "relevance" or "", "level": "reaction" or "", "pair": "" or "asylum_law", "phase": "" | "pre" |
     "post", "choices": [{"value": "yes", "label": {"en": ..., ...}}]}
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations
from pontis.core.models import EvaluationCriterion
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.workflow import transition

from ..models import Choice, Question, Questionnaire, QuestionnaireVersion
from ..selectors.builder import (
    CHOICE_TYPES,
    current_version,
    frozen_questions,
    has_unlaunched_changes,
    launch_problems,
    missing_texts,
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
QUESTIONNAIRE_FIELDS = {"title", "intro", "purpose", "anonymity", "languages", "show_fallback", "closes_at"}
QUESTION_FIELDS = {"key", "type", "text", "help", "required", "criterion", "level", "pair", "phase"}


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, field=field, errors={field: [message]})


def _languages(value) -> list[str]:
    known = [code for code, _name in settings.LANGUAGES]
    chosen = [code for code in (value or []) if code in known]
    return [code for code in known if code in chosen]  # the site's order, no duplicates


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def launched_keys(questionnaire: Questionnaire) -> set[str]:
    """Keys that appear in a launched version: they may no longer be renamed."""
    keys: set[str] = set()
    for questions in questionnaire.versions.values_list("questions", flat=True):
        keys |= {q.get("key") for q in questions or []}
    return keys


# ---------------------------------------------------------------- questionnaires


def _target_fields(*, activity=None, action=None, meeting=None, follow_up=None) -> dict:
    given = {name: value for name, value in
             (("activity", activity), ("action", action), ("meeting", meeting), ("follow_up", follow_up))
             if value is not None}
    if len(given) > 1:
        raise _invalid("target", _("A questionnaire is about one thing only: an activity, an Action, a meeting or "
                                   "an outcome follow-up."))
    fields = dict.fromkeys(("activity", "action", "meeting", "follow_up"))
    fields.update(given)
    if follow_up is not None and Questionnaire.objects.filter(follow_up=follow_up).exists():
        raise Conflict(_("This outcome follow-up already has a questionnaire."), field="target")
    return fields


def _copy_questions(source: Questionnaire, target: Questionnaire) -> None:
    questions = list(source.questions.prefetch_related("choices").order_by("order", "id"))
    for question in questions:
        copy = Question.objects.create(
            questionnaire=target, key=question.key, order=question.order, type=question.type, text=question.text,
            help=question.help, required=question.required, criterion_id=question.criterion_id, level=question.level,
            pair=question.pair, phase=question.phase)
        Choice.objects.bulk_create([Choice(question=copy, value=c.value, order=c.order, label=c.label)
                                    for c in question.choices.all()])


@transaction.atomic
def questionnaire_create(*, by, template: Questionnaire | None = None, title=None, intro=None, purpose: str = "",
                         anonymity: str = "", languages=None, activity=None, action=None, meeting=None,
                         follow_up=None, idempotency_key: str | None = None) -> Questionnaire:
    """Create a draft questionnaire, blank or copied from ``template`` (its questions, choices, texts and
    languages), about at most one target. The same ``idempotency_key`` again answers the questionnaire the first
    call made. Raises NotAllowed (not staff), ValidationFailed (no title, two targets, not a template),
    Conflict (the follow-up already has a questionnaire)."""
    ensure(by, "create", Questionnaire)
    claim = creation_claim(scope="feedback.questionnaire_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if template is not None and not template.is_template:
        raise _invalid("template", _("Choose one of the templates."))
    targets = _target_fields(activity=activity, action=action, meeting=meeting, follow_up=follow_up)
    title = clean_translations(title) or (dict(template.title) if template else {})
    if not title:
        raise _invalid("title", _("Write the questionnaire's title in at least one language."))
    purpose = purpose or (template.purpose if template else Questionnaire.Purpose.PARTICIPANT)
    if purpose not in Questionnaire.Purpose.values:
        raise _invalid("purpose", _("Choose one of the purposes offered."))
    anonymity = anonymity or (template.anonymity if template else Questionnaire.Anonymity.ANONYMOUS)
    if anonymity not in Questionnaire.Anonymity.values:
        raise _invalid("anonymity", _("Choose one of the anonymity settings offered."))
    chosen = _languages(languages) or (list(template.languages) if template else []) or \
        [settings.LANGUAGE_CODE]
    questionnaire = Questionnaire.objects.create(
        title=title, intro=clean_translations(intro) or (dict(template.intro) if template else {}), purpose=purpose,
        anonymity=anonymity, languages=chosen, show_fallback=template.show_fallback if template else False,
        source=template, created_by=by, **targets)
    if template is not None:
        _copy_questions(template, questionnaire)
    audit.record_create(questionnaire, by=by, note=f"template {template.template_code}" if template else "")
    return claim.fulfil(questionnaire)


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, by, **fields) -> Questionnaire:
    """Change a questionnaire's title, introduction, purpose, anonymity, languages, fallback setting or closing
    date. The anonymity of a questionnaire that has responses cannot change (it was promised to respondents).
    Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", questionnaire)
    unknown = set(fields) - QUESTIONNAIRE_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    questionnaire = _lock(questionnaire)
    before = audit.snapshot(questionnaire)
    if "title" in fields:
        title = clean_translations(fields["title"])
        if not title:
            raise _invalid("title", _("Write the questionnaire's title in at least one language."))
        questionnaire.title = title
    if "intro" in fields:
        questionnaire.intro = clean_translations(fields["intro"])
    if "purpose" in fields:
        if fields["purpose"] not in Questionnaire.Purpose.values:
            raise _invalid("purpose", _("Choose one of the purposes offered."))
        questionnaire.purpose = fields["purpose"]
    if "anonymity" in fields and fields["anonymity"] != questionnaire.anonymity:
        if fields["anonymity"] not in Questionnaire.Anonymity.values:
            raise _invalid("anonymity", _("Choose one of the anonymity settings offered."))
        if questionnaire.responses.exists():
            raise _invalid("anonymity", _("People have already answered under the current setting: it cannot "
                                          "change any more."))
        questionnaire.anonymity = fields["anonymity"]
    if "languages" in fields:
        chosen = _languages(fields["languages"])
        if not chosen:
            raise _invalid("languages", _("Choose at least one language."))
        questionnaire.languages = chosen
    if "show_fallback" in fields:
        questionnaire.show_fallback = bool(fields["show_fallback"])
    if "closes_at" in fields:
        questionnaire.closes_at = fields["closes_at"]
    questionnaire.save()
    audit.record_update(questionnaire, by=by, before=before)
    return questionnaire


# ---------------------------------------------------------------- questions


def _criterion(value):
    if value in (None, ""):
        return None
    if isinstance(value, EvaluationCriterion):
        return value
    found = EvaluationCriterion.objects.filter(code=value).first()
    if found is None:
        raise _invalid("criterion", _("Choose one of the evaluation criteria offered."))
    return found


def _clean_question(questionnaire: Questionnaire, data: dict, *, question: Question | None = None) -> dict:
    """Validate the question's fields (merged with its current values); answers what to save."""
    current = {name: getattr(question, name) for name in QUESTION_FIELDS if name != "criterion"} if question else {}
    if question is not None:
        current["criterion"] = question.criterion
    merged = {**current, **data}
    key = (merged.get("key") or "").strip().lower()
    if not KEY_PATTERN.match(key):
        raise _invalid("key", _("Write a short key of lower-case letters, digits, “-” or “_” (up to 60), starting "
                                "with a letter or a digit, such as “overall_rating”."))
    if question is not None and key != question.key and question.key in launched_keys(questionnaire):
        raise _invalid("key", _("This question has been launched: its key can no longer change (answers are "
                                "lined up by it)."))
    taken = questionnaire.questions.filter(key=key)
    if question is not None:
        taken = taken.exclude(pk=question.pk)
    if taken.exists():
        raise _invalid("key", _("Another question of this questionnaire already has this key."))
    qtype = merged.get("type")
    if qtype not in Question.Type.values:
        raise _invalid("type", _("Choose one of the question types offered."))
    text = clean_translations(merged.get("text"))
    if not text:
        raise _invalid("text", _("Write the question in at least one language."))
    level = merged.get("level") or ""
    if level and level not in Question.Level.values:
        raise _invalid("level", _("Choose one of the training evaluation levels offered."))
    criterion = _criterion(merged.get("criterion"))
    pair = (merged.get("pair") or "").strip().lower()
    phase = merged.get("phase") or ""
    if qtype == Question.Type.KNOWLEDGE:
        if not KEY_PATTERN.match(pair):
            raise _invalid("pair", _("Give the pair's key: the same short key on the “before” and the “after” "
                                     "question."))
        if phase not in Question.Phase.values:
            raise _invalid("phase", _("Say whether this is the “before” or the “after” question."))
    else:
        pair, phase = "", ""
    if qtype != Question.Type.RATING:
        criterion = None if qtype != Question.Type.KNOWLEDGE else criterion
    return {"key": key, "type": qtype, "text": text, "help": clean_translations(merged.get("help")),
            "required": bool(merged.get("required", True)), "criterion": criterion, "level": level,
            "pair": pair, "phase": phase}


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, by, idempotency_key: str | None = None, **fields) -> Question:
    """Add a question at the end of the working copy. Raises NotAllowed, ValidationFailed (key, type, text,
    criterion, level, pair/phase)."""
    ensure(by, "change", questionnaire)
    claim = creation_claim(scope="feedback.question_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    questionnaire = _lock(questionnaire)
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    data = _clean_question(questionnaire, fields)
    order = (questionnaire.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question = Question.objects.create(questionnaire=questionnaire, order=order, **data)
    audit.record_create(question, by=by)
    return claim.fulfil(question)


@transaction.atomic
def question_update(*, question: Question, by, **fields) -> Question:
    """Change a question of the working copy. Raises NotAllowed, ValidationFailed (a launched key changed...)."""
    ensure(by, "change", question.questionnaire)
    questionnaire = _lock(question.questionnaire)
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValidationFailed(_("These details cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    question = Question.objects.select_for_update().get(pk=question.pk)
    before = audit.snapshot(question)
    for name, value in _clean_question(questionnaire, fields, question=question).items():
        setattr(question, name, value)
    question.save()
    if question.type not in CHOICE_TYPES:
        question.choices.all().delete()
    audit.record_update(question, by=by, before=before)
    return question


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    """Remove a question from the working copy (launched versions keep their copy). Raises NotAllowed."""
    ensure(by, "change", question.questionnaire)
    _lock(question.questionnaire)
    audit.record_delete(question, by=by)
    question.delete()


def _move(rows: list, obj, direction: str) -> None:
    """Swap ``obj`` with its neighbour in ``rows`` (ordered) and renumber 1..n."""
    if direction not in ("up", "down"):
        raise _invalid("direction", _("Move up or down."))
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for number, row in enumerate(rows, start=1):
        if row.order != number:
            row.order = number
            row.save(update_fields=["order"])


@transaction.atomic
def question_move(*, question: Question, by, direction: str) -> Question:
    """Move a question one place up or down (the first stays first). Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", question.questionnaire)
    questionnaire = _lock(question.questionnaire)
    rows = list(questionnaire.questions.order_by("order", "id"))
    _move(rows, question, direction)
    audit.record(questionnaire, action="update", by=by, note=f"question {question.key} moved {direction}")
    return Question.objects.get(pk=question.pk)


# ---------------------------------------------------------------- choices


def _clean_choice(question: Question, *, value, label, choice: Choice | None = None) -> dict:
    value = (value or "").strip().lower()
    if not KEY_PATTERN.match(value):
        raise _invalid("value", _("Write a short value of lower-case letters, digits, “-” or “_”, such as “yes”."))
    taken = question.choices.filter(value=value)
    if choice is not None:
        taken = taken.exclude(pk=choice.pk)
    if taken.exists():
        raise _invalid("value", _("Another choice of this question already has this value."))
    label = clean_translations(label)
    if not label:
        raise _invalid("label", _("Write the choice in at least one language."))
    return {"value": value, "label": label}


@transaction.atomic
def choice_add(*, question: Question, by, value: str, label, idempotency_key: str | None = None) -> Choice:
    """Add a choice at the end of a single or multiple choice question. Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", question.questionnaire)
    claim = creation_claim(scope="feedback.choice_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    _lock(question.questionnaire)
    if question.type not in CHOICE_TYPES:
        raise _invalid("value", _("Only “one choice” and “several choices” questions have choices."))
    data = _clean_choice(question, value=value, label=label)
    order = (question.choices.aggregate(m=Max("order"))["m"] or 0) + 1
    choice = Choice.objects.create(question=question, order=order, **data)
    audit.record_create(choice, by=by)
    return claim.fulfil(choice)


@transaction.atomic
def choice_update(*, choice: Choice, by, value: str | None = None, label=None) -> Choice:
    """Change a choice's value or label. A launched choice's value may change: answers store it per version."""
    question = choice.question
    ensure(by, "change", question.questionnaire)
    _lock(question.questionnaire)
    before = audit.snapshot(choice)
    data = _clean_choice(question, value=choice.value if value is None else value,
                         label=choice.label if label is None else label, choice=choice)
    choice.value, choice.label = data["value"], data["label"]
    choice.save()
    audit.record_update(choice, by=by, before=before)
    return choice


@transaction.atomic
def choice_delete(*, choice: Choice, by) -> None:
    ensure(by, "change", choice.question.questionnaire)
    _lock(choice.question.questionnaire)
    audit.record_delete(choice, by=by)
    choice.delete()


@transaction.atomic
def choice_move(*, choice: Choice, by, direction: str) -> Choice:
    question = choice.question
    ensure(by, "change", question.questionnaire)
    _lock(question.questionnaire)
    _move(list(question.choices.order_by("order", "id")), choice, direction)
    return Choice.objects.get(pk=choice.pk)


# ---------------------------------------------------------------- launch, close, reopen


def _freeze(questionnaire: Questionnaire, *, by) -> QuestionnaireVersion:
    questions = list(questionnaire.questions.select_related("criterion").prefetch_related("choices")
                     .order_by("order", "id"))
    problems = launch_problems(questionnaire, questions)
    if problems:
        messages = [message for _code, message in problems]
        raise ValidationFailed(" ".join(messages), code="launch_refused",
                               errors={"launch": messages, "codes": [code for code, _m in problems]})
    missing = missing_texts(questionnaire, questions)
    number = (questionnaire.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=number, questions=frozen_questions(questions), title=dict(questionnaire.title),
        intro=dict(questionnaire.intro or {}), languages=list(questionnaire.languages),
        fallback_languages=[lang for lang in questionnaire.languages if lang in missing],
        launched_at=timezone.now(), launched_by=by)
    audit.record_create(version, by=by)
    return version


@transaction.atomic
def questionnaire_launch(*, questionnaire: Questionnaire, by) -> QuestionnaireVersion:
    """Freeze the working copy as the next version and open the questionnaire to respondents.

    A draft becomes open with version 1; an open questionnaire whose questions were edited gets the next version
    (responses already given keep theirs). Raises NotAllowed, IllegalTransition (closed: reopen it instead),
    Conflict (open and nothing changed since the last version), ValidationFailed (see ``launch_problems``: no
    questions, a choice question without choices, an incomplete knowledge pair, a duplicate key, a text missing in
    a language without ``show_fallback``)."""
    ensure(by, "change", questionnaire)
    questionnaire = _lock(questionnaire)
    if questionnaire.status == Questionnaire.Status.CLOSED:
        raise IllegalTransition(_("This questionnaire is closed: reopen it to launch a new version."))
    if questionnaire.status == Questionnaire.Status.OPEN and not has_unlaunched_changes(questionnaire):
        raise Conflict(_("Nothing has changed since the last version was launched."))
    version = _freeze(questionnaire, by=by)
    if questionnaire.status == Questionnaire.Status.DRAFT:
        transition(questionnaire, to=Questionnaire.Status.OPEN, by=by, note=f"version {version.number}")
    return version


@transaction.atomic
def questionnaire_close(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """Stop taking responses. Raises NotAllowed, IllegalTransition (not open)."""
    ensure(by, "change", questionnaire)
    questionnaire = _lock(questionnaire)
    return transition(questionnaire, to=Questionnaire.Status.CLOSED, by=by)


@transaction.atomic
def questionnaire_reopen_with_changes(*, questionnaire: Questionnaire, by) -> QuestionnaireVersion:
    """Open a closed questionnaire again. When its questions were edited since the last version, they are frozen as
    the next version first (checked as at launch); otherwise respondents answer the last version again.
    Raises NotAllowed, IllegalTransition (not closed), ValidationFailed (as at launch)."""
    ensure(by, "change", questionnaire)
    questionnaire = _lock(questionnaire)
    if questionnaire.status != Questionnaire.Status.CLOSED:
        raise IllegalTransition(_("Only a closed questionnaire can be reopened."))
    version = _freeze(questionnaire, by=by) if has_unlaunched_changes(questionnaire) else current_version(questionnaire)
    transition(questionnaire, to=Questionnaire.Status.OPEN, by=by, note=f"version {version.number}")
    return version
