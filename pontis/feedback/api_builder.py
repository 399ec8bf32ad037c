"""Questionnaires over the API (staff): ``GET /api/v1/questionnaires`` (paginated, filterable), one questionnaire with
its current version's questions in the requested language, and ``POST /api/v1/questionnaires`` creating one from a
template (or blank) for a target. Same selectors, policy and services as the builder's pages.

Only staff (administrators and programme officers) read questionnaires here: anyone else gets 403, whatever the
questionnaire (respondents reach a questionnaire through their personal link, never through this list). Callers
without credentials get 401. The language of the questions is ``?lang=`` when given, else the request's language
(``Accept-Language``); a question not written in it carries ``fallback`` (the language shown instead).
"""


import datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pontis.actions.models import Action, Activity, FollowUp
from pontis.core.api_helpers import Code, Id, IdPath, LazyRows, Paging, Translations, by_code, model_choice
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import clean_translations, translate
from pontis.core.once import IdempotentIn
from pontis.core.permissions import can, visible_to
from pontis.events.models import Meeting

from .models import Questionnaire
from .selectors import builder as selectors
from .services import builder as services
from .services.templates import templates_ensure

router = Router(tags=["feedback"])

TARGETS = ("activity", "action", "meeting", "follow_up")


class TargetOut(Schema):
    activity: int | None
    action: str | None = Field(None, description="The Action's code (YYYY-NN)")
    meeting: int | None
    follow_up: int | None


class ChoiceOut(Schema):
    value: str
    label: str
    fallback: str | None


class QuestionOut(Schema):
    key: str
    type: str
    text: str
    help: str
    required: bool
    criterion: str = Field(description="Evaluation criterion code, empty when none")
    level: str = Field(description="Training evaluation level (reaction, learning, behaviour, results), or empty")
    pair: str
    phase: str
    choices: list[ChoiceOut]
    fallback: str | None = Field(description="The language shown instead when a text is not written in the one asked")


class VersionOut(Schema):
    number: int
    launched_at: datetime.datetime
    language: str
    languages: list[str]
    fallback_languages: list[str]
    title: str
    intro: str
    questions: list[QuestionOut]


class QuestionnaireOut(Schema):
    id: int
    title: dict
    title_text: str
    purpose: str
    anonymity: str
    status: str
    languages: list[str]
    is_template: bool
    template_code: str
    target: TargetOut
    current_version: int | None
    url: str


class QuestionnaireDetailOut(QuestionnaireOut):
    version: VersionOut | None


class QuestionnaireFilters(Schema):
    status: model_choice(Questionnaire, "status") | None = None
    purpose: model_choice(Questionnaire, "purpose") | None = None
    target: Literal["activity", "action", "meeting", "follow_up", "none"] | None = Field(
        None, description="activity, action, meeting or follow_up: only questionnaires about such a thing")


class LangQuery(Schema):
    lang: Code | None = Field(None, description="en, fr, es, pt or ru (default: the Accept-Language header)")


class QuestionnaireIn(IdempotentIn):
    template: Code | None = Field(None, description="A template's code (participant, expert, partner, "
                                                    "pre_round_table, follow_up); none for a blank questionnaire")
    title: Translations | None = None
    languages: list[Code] | None = None
    activity: Id | None = None
    action: Code | None = Field(None, description="An Action's code (YYYY-NN)")
    meeting: Id | None = None
    follow_up: Id | None = None


def _staff(request, verb: str, obj=Questionnaire) -> None:
    if not can(request.user, verb, obj):
        raise NotAllowed()


def _row(q: Questionnaire) -> dict:
    return {
        "id": q.pk, "title": q.title, "title_text": str(translate(q.title)), "purpose": q.purpose,
        "anonymity": q.anonymity, "status": q.status, "languages": list(q.languages), "is_template": q.is_template,
        "template_code": q.template_code,
        "target": {"activity": q.activity_id, "action": q.action.code if q.action_id else None,
                   "meeting": q.meeting_id, "follow_up": q.follow_up_id},
        "current_version": getattr(q, "latest_version", None),
        "url": reverse("feedback:builder_detail", args=[q.pk]),
    }


def _detail(request, q: Questionnaire, lang: str | None) -> dict:
    data = _row(q)
    version = selectors.current_version(q)
    data["current_version"] = version.number if version else None
    data["version"] = None
    if version is not None:
        language = selectors.version_language(version, lang or getattr(request, "LANGUAGE_CODE", ""))
        head = selectors.version_title(version, language)
        data["version"] = {
            "number": version.number, "launched_at": version.launched_at, "language": language,
            "languages": list(version.languages), "fallback_languages": list(version.fallback_languages),
            "title": head["title"], "intro": head["intro"],
            "questions": selectors.version_questions(version, language)}
    return data


@router.get("/questionnaires", response=list[QuestionnaireOut],
            summary="Questionnaires (staff; others 403), filterable by status, purpose and target")
@paginate(Paging)
def questionnaire_list(request, filters: Query[QuestionnaireFilters]):
    _staff(request, "view")
    queryset = selectors.questionnaires_visible_to(request.user, {
        "status": filters.status or "", "purpose": filters.purpose or "", "target": filters.target or ""})
    return LazyRows(queryset, _row)


@router.get("/questionnaires/{questionnaire_id}", response=QuestionnaireDetailOut,
            summary="One questionnaire with its current version's questions in the requested language (staff)")
def questionnaire_detail(request, questionnaire_id: IdPath, query: Query[LangQuery]):
    _staff(request, "view")
    return _detail(request, selectors.questionnaire_get_for(request.user, questionnaire_id), query.lang)


@router.post("/questionnaires", response={201: QuestionnaireDetailOut},
             summary="Create a questionnaire from a template (or blank) for an activity, Action, meeting or "
                     "follow-up (staff; the same idempotency_key answers the same questionnaire)")
def questionnaire_create(request, payload: QuestionnaireIn):
    _staff(request, "create")
    template = None
    if payload.template:
        templates_ensure()
        template = by_code(selectors.templates_visible_to(request.user), payload.template, field="template",
                           key="template_code")
    target = {
        "activity": by_code(visible_to(request.user, Activity), payload.activity, field="activity", key="pk"),
        "action": by_code(visible_to(request.user, Action), payload.action, field="action"),
        "meeting": by_code(visible_to(request.user, Meeting), payload.meeting, field="meeting", key="pk"),
        "follow_up": by_code(visible_to(request.user, FollowUp), payload.follow_up, field="follow_up", key="pk"),
    }
    title = clean_translations(payload.title or {})
    if template is None and not title:
        message = _("Give a title, or a template to start from.")
        raise ValidationFailed(message, field="title", errors={"title": [message]})
    questionnaire = services.questionnaire_create(
        by=request.user, template=template, title=title or None, languages=payload.languages or None,
        idempotency_key=payload.idempotency_key, **{k: v for k, v in target.items() if v is not None})
    return Status(201, _detail(request, selectors.questionnaire_get_for(request.user, questionnaire.pk), None))
