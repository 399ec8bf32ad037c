"""Reads of the builder: questionnaire lists for staff, one questionnaire with its working copy, its versions, and
the questions of a frozen version in one language (the respondents' form and the API read them through
``version_questions``)."""

from __future__ import annotations

import json
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from pontis.actions.models import Activity, FollowUp
from pontis.core.i18n import FALLBACK_ORDER, translate
from pontis.core.permissions import can, get_visible_or_404, visible_to

from ..models import Choice, Question, Questionnaire, QuestionnaireVersion, Response

TARGETS = ("activity", "action", "meeting", "follow_up")
CHOICE_TYPES = {Question.Type.SINGLE, Question.Type.MULTIPLE}
MIN_CHOICES = 2


def _text(value: dict | None, lang: str, languages=()) -> tuple[str, str | None]:
    """``(text, fallback)``: the text in ``lang``, else the first written of ``languages`` then the usual order,
    with the language used as ``fallback`` (None when the text is in ``lang``)."""
    value = value or {}
    text = (value.get(lang) or "").strip()
    if text:
        return text, None
    for candidate in tuple(languages) + FALLBACK_ORDER + tuple(sorted(value)):
        text = (value.get(candidate) or "").strip()
        if text:
            return text, candidate
    return "", None


def version_language(version: QuestionnaireVersion, lang: str | None) -> str:
    """The language to show ``version`` in: ``lang`` (or its base, ``pt-br`` -> ``pt``) when the version offers it,
    else the version's first language."""
    lang = (lang or "").split("-")[0].lower()
    languages = list(version.languages or []) or [settings.LANGUAGE_CODE]
    return lang if lang in languages else languages[0]


def version_questions(version: QuestionnaireVersion, lang: str) -> list[dict]:
    """The questions of a frozen version in ``lang``, in order, for the form and the API.

    Each item is the frozen question (``key``, ``type``, ``required``, ``criterion``, ``level``, ``pair``,
    ``phase``) with ``text`` and ``help`` as strings in ``lang``, ``choices`` as ``[{value, label, fallback}]`` and
    ``fallback``: None when every text of the question is written in ``lang``, else the language shown instead
    (such as ``"en"``), so that the page can say so.
    """
    languages = list(version.languages or [])
    result = []
    for question in version.questions or []:
        text, text_fallback = _text(question.get("text"), lang, languages)
        help_text, help_fallback = _text(question.get("help"), lang, languages)
        choices = []
        for choice in question.get("choices") or []:
            label, label_fallback = _text(choice.get("label"), lang, languages)
            choices.append({"value": choice.get("value"), "label": label, "fallback": label_fallback})
        fallback = text_fallback or help_fallback or next((c["fallback"] for c in choices if c["fallback"]), None)
        result.append({
            "key": question.get("key"), "type": question.get("type"), "text": text, "help": help_text,
            "required": bool(question.get("required")), "criterion": question.get("criterion") or "",
            "level": question.get("level") or "", "pair": question.get("pair") or "",
            "phase": question.get("phase") or "", "choices": choices, "fallback": fallback,
        })
    return result


def version_title(version: QuestionnaireVersion, lang: str) -> dict:
    """``{"title", "intro", "fallback"}`` of a version in ``lang``."""
    languages = list(version.languages or [])
    title, title_fallback = _text(version.title, lang, languages)
    intro, intro_fallback = _text(version.intro, lang, languages)
    return {"title": title, "intro": intro, "fallback": title_fallback or intro_fallback}


# ---------------------------------------------------------------- lists and pages


def _count(model):
    """How many ``model`` rows point at the questionnaire of the outer query (0 when none), as a subquery:
    ``SELECT COUNT(id) ... WHERE questionnaire_id = ...``, which answers one row, 0 when none, without the GROUP BY
    (and the Coalesce around it) that an aggregate in a subquery costs to build."""
    rows = model.objects.filter(questionnaire=OuterRef("pk")).order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    return Subquery(rows, output_field=IntegerField())


def _latest_version():
    """The number of the latest version of the questionnaire of the outer query (None before the first launch)."""
    return Subquery(QuestionnaireVersion.objects.filter(questionnaire=OuterRef("pk")).order_by("-number")
                    .values("number")[:1])


def _filtered(queryset, filters: dict):
    """``queryset`` narrowed by the list's filters (status, purpose, what the questionnaire is about)."""
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("purpose"):
        queryset = queryset.filter(purpose=filters["purpose"])
    target = filters.get("target")
    if target in TARGETS:
        queryset = queryset.filter(**{f"{target}__isnull": False})
    elif target == "none":
        queryset = queryset.filter(activity__isnull=True, action__isnull=True, meeting__isnull=True,
                                   follow_up__isnull=True)
    for name in TARGETS:
        if filters.get(f"{name}_id"):
            queryset = queryset.filter(**{f"{name}_id": filters[f"{name}_id"]})
    return queryset.order_by("-created_at", "-id")


def questionnaires_visible_to(user, filters: dict | None = None):
    """Questionnaires (not templates) ``user`` may see, newest first, with their target and version count, for
    lists: a fixed number of queries whatever the number of rows."""
    queryset = (visible_to(user, Questionnaire).filter(is_template=False)
                .select_related("activity__action", "action", "meeting", "follow_up__action")
                # Each count in its own subquery: joining versions, responses and questions before grouping
                # multiplies the rows (millions once responses pile up).
                .annotate(version_count=_count(QuestionnaireVersion),
                          response_count=_count(Response),
                          question_count=_count(Question),
                          latest_version=_latest_version()))
    return _filtered(queryset, filters or {})


# What a row of the questionnaire list shows: the questionnaire's title, purpose and status, and what it is about
# (feedback/builder__target.html). Reading only these columns spares the page the texts, settings and
# descriptions of five joined tables on every row.
LIST_COLUMNS = (
    "title", "purpose", "status", "created_at", "activity", "action", "meeting", "follow_up",
    "activity__title", "activity__sequence", "activity__type", "activity__action__code",
    "action__code", "action__title", "meeting__slug", "meeting__title",
    "follow_up__months", "follow_up__action__code",
)


def _count_of(model) -> RawSQL:
    """``_count(model)`` written as its SQL: ``(SELECT COUNT(*) FROM model WHERE questionnaire_id = <the
    questionnaire of the list's query>)``. The same statement, without building and compiling three subqueries on
    every visit (about a tenth of the list page's Python)."""
    qn = connection.ops.quote_name
    column = model._meta.get_field("questionnaire").column
    return RawSQL(f"(SELECT COUNT(*) FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.db_table)}.{qn(column)} = "
                  f"{qn(Questionnaire._meta.db_table)}.{qn(Questionnaire._meta.pk.column)})", (),
                  output_field=IntegerField())


def _list_columns(queryset):
    """``queryset`` with the columns a row of the list shows (``LIST_COLUMNS``) and its counts of questions,
    versions and responses."""
    return (queryset.select_related("activity__action", "action", "meeting", "follow_up__action").only(*LIST_COLUMNS)
            .annotate(version_count=_count_of(QuestionnaireVersion), response_count=_count_of(Response),
                      question_count=_count_of(Question)))


def questionnaire_list_rows(user, filters: dict | None = None):
    """The questionnaire list's rows: the questionnaires (not templates) ``user`` may see, newest first, with the
    columns a row shows (``LIST_COLUMNS``) and its counts of questions, versions and responses; a fixed number of
    queries whatever the number of rows."""
    return _list_columns(_filtered(visible_to(user, Questionnaire).filter(is_template=False), filters or {}))


class ListRows:
    """The rows of ``questionnaire_list_rows`` for a ``Paginator``: ``count()`` counts the questionnaires alone,
    and only a page of them (``rows[start:stop]``) is read with its columns and counts. Building those columns and
    counts, then compiling them, cost the list more Python than the rest of the page: a page without rows (no
    questionnaire, or a page past the last) no longer pays for them. The same two queries as the queryset when
    there are rows (the count, then the page), one without."""

    def __init__(self, questionnaires):
        self._questionnaires = questionnaires

    def count(self) -> int:
        return self._questionnaires.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice):
            raise TypeError("the list's rows are read a page at a time")
        if index.start is not None and index.stop is not None and index.stop <= index.start:
            return []
        return list(_list_columns(self._questionnaires)[index])


def questionnaire_list_page_rows(user, filters: dict | None = None) -> ListRows:
    """The rows of ``questionnaire_list_rows``, read a page at a time (``ListRows``)."""
    return ListRows(_filtered(visible_to(user, Questionnaire).filter(is_template=False), filters or {}))


class ListRow(NamedTuple):
    """One row of the questionnaire list as plain values: the questionnaire, what it is about (an activity is
    named by its title, else its type's name, else its type's code: ``activity_label``), and its counts."""

    pk: int
    title: dict
    purpose: str
    status: str
    activity_id: int | None
    action_id: int | None
    meeting_id: int | None
    follow_up_id: int | None
    activity_title: dict | None
    activity_sequence: int | None
    activity_type_name: dict | None
    activity_type_code: str | None
    activity_action_code: str | None
    action_code: str | None
    action_title: dict | None
    meeting_slug: str | None
    meeting_title: dict | None
    follow_up_months: int | None
    follow_up_action_code: str | None
    question_count: int
    version_count: int
    response_count: int


def _list_where(filters: dict) -> tuple[str, list]:
    """The conditions of ``_filtered`` as SQL on the questionnaire ``q`` (templates left out), with their
    parameters."""
    where, params = ["q.is_template = %s"], [False]
    for name in ("status", "purpose"):
        if filters.get(name):
            where.append(f"q.{name} = %s")
            params.append(filters[name])
    target = filters.get("target")
    if target in TARGETS:
        where.append(f"q.{target}_id IS NOT NULL")
    elif target == "none":
        where.append(" AND ".join(f"q.{name}_id IS NULL" for name in TARGETS))
    for name in TARGETS:
        if filters.get(f"{name}_id"):
            where.append(f"q.{name}_id = %s")
            params.append(int(filters[f"{name}_id"]))
    return " AND ".join(where), params


class ListValues:
    """The rows of the questionnaire list for a ``Paginator``, read as plain values (``ListRow``): ``count()``
    counts the questionnaires, and only a page of them (``rows[start:stop]``) is read, in one statement.

    The same rows, order and filters as ``questionnaire_list_rows``. What a row is about is read by subqueries on
    primary keys (a join of the seven tables cost the database more to plan than to run), and written without
    building model instances or compiling querysets (most of the page's Python before). Visibility is answered
    by the one check of the questionnaire policy: whoever may view questionnaires sees them all
    (``QuestionnairePolicy.visible_to`` answers every questionnaire exactly when ``can_view`` is true, both
    ``is_staff``); anyone else gets no row."""

    def __init__(self, user, filters: dict):
        self._visible = can(user, "view", Questionnaire)
        self._where, self._params = _list_where(filters)

    def count(self) -> int:
        if not self._visible:
            return 0
        table = connection.ops.quote_name(Questionnaire._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} q WHERE {self._where}", self._params)
            return cursor.fetchone()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ListRow]:
        if not isinstance(index, slice):
            raise TypeError("the list's rows are read a page at a time")
        start = index.start or 0
        if not self._visible or (index.stop is not None and index.stop <= start):
            return []
        qn = connection.ops.quote_name
        table = {model: qn(model._meta.db_table) for model in (Questionnaire, Question, QuestionnaireVersion,
                                                               Response, Activity, FollowUp)}
        action = qn(Activity._meta.get_field("action").related_model._meta.db_table)
        activity_type = qn(Activity._meta.get_field("type").related_model._meta.db_table)
        meeting = qn(Questionnaire._meta.get_field("meeting").related_model._meta.db_table)
        activity = f"FROM {table[Activity]} a WHERE a.id = q.activity_id"
        activity_type = f"FROM {table[Activity]} a INNER JOIN {activity_type} t ON t.id = a.type_id WHERE a.id = q.activity_id"
        sql = (
            "SELECT q.id, q.title, q.purpose, q.status, q.activity_id, q.action_id, q.meeting_id, q.follow_up_id, "
            f"(SELECT a.title {activity}), (SELECT a.sequence {activity}), "
            f"(SELECT x.code FROM {table[Activity]} a INNER JOIN {action} x ON x.id = a.action_id "
            "WHERE a.id = q.activity_id), "
            f"(SELECT t.name {activity_type}), (SELECT t.code {activity_type}), "
            f"(SELECT x.code FROM {action} x WHERE x.id = q.action_id), "
            f"(SELECT x.title FROM {action} x WHERE x.id = q.action_id), "
            f"(SELECT m.slug FROM {meeting} m WHERE m.id = q.meeting_id), "
            f"(SELECT m.title FROM {meeting} m WHERE m.id = q.meeting_id), "
            f"(SELECT f.months FROM {table[FollowUp]} f WHERE f.id = q.follow_up_id), "
            f"(SELECT x.code FROM {table[FollowUp]} f INNER JOIN {action} x ON x.id = f.action_id "
            "WHERE f.id = q.follow_up_id), "
            f"(SELECT COUNT(*) FROM {table[Question]} c WHERE c.questionnaire_id = q.id), "
            f"(SELECT COUNT(*) FROM {table[QuestionnaireVersion]} c WHERE c.questionnaire_id = q.id), "
            f"(SELECT COUNT(*) FROM {table[Response]} c WHERE c.questionnaire_id = q.id) "
            f"FROM {table[Questionnaire]} q WHERE {self._where} ORDER BY q.created_at DESC, q.id DESC "
            "LIMIT %s OFFSET %s")
        # SQLite wants a LIMIT before an OFFSET: without an end, every row after ``start``.
        limit = index.stop - start if index.stop is not None else -1 if connection.vendor == "sqlite" else None
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self._params, limit, start])
            found = cursor.fetchall()
        return [ListRow(pk, _json(title), purpose, status, activity_id, action_id, meeting_id, follow_up_id,
                        _json(a_title), sequence, _json(t_name), t_code, a_code, action_code, _json(action_title),
                        m_slug, _json(m_title), months, f_code, questions, versions, responses)
                for (pk, title, purpose, status, activity_id, action_id, meeting_id, follow_up_id, a_title, sequence,
                     a_code, t_name, t_code, action_code, action_title, m_slug, m_title, months, f_code,
                     questions, versions, responses) in found]


def activity_label(row: ListRow) -> str:
    """The activity of ``row`` as ``str(activity)`` writes it in the reader's language: its Action's code, its
    sequence, and its title, else its type's name, else its type's code."""
    return (f"{row.activity_action_code} · {row.activity_sequence}. "
            f"{translate(row.activity_title) or (translate(row.activity_type_name) or row.activity_type_code)}")


def questionnaire_list_page_values(user, filters: dict | None = None) -> ListValues:
    """The rows of ``questionnaire_list_rows`` as plain values (``ListRow``), read a page at a time
    (``ListValues``)."""
    return ListValues(user, filters or {})


def templates_visible_to(user):
    return (visible_to(user, Questionnaire).filter(is_template=True)
            .annotate(question_count=Count("questions")).order_by("template_code", "id"))


def questionnaire_get_for(user, pk) -> Questionnaire:
    """One questionnaire with its working copy (questions, criteria, choices) prefetched; 404 when not visible."""
    queryset = Questionnaire.objects.select_related(
        "activity__action", "action", "meeting", "follow_up__action", "source").prefetch_related(
        Prefetch("questions", queryset=Question.objects.select_related("criterion").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))).order_by("order", "id")))
    return get_visible_or_404(user, queryset, pk=pk)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def question_get_for(user, questionnaire: Questionnaire, question_id) -> Question:
    """A question of ``questionnaire`` (already fetched through its policy by ``questionnaire_get_for(user, ...)``);
    404 for a question of another questionnaire."""
    return _get_or_404(Question.objects.select_related("criterion", "questionnaire").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))).filter(questionnaire=questionnaire),
        question_id)


def choice_get_for(user, question: Question, choice_id) -> Choice:
    """A choice of ``question`` (fetched by ``question_get_for``); 404 for a choice of another question."""
    return _get_or_404(Choice.objects.select_related("question__questionnaire").filter(question=question), choice_id)


def versions_of(questionnaire: Questionnaire):
    return (questionnaire.versions.select_related("launched_by").annotate(response_count=Count("responses"))
            .order_by("-number"))


def questionnaires_for_target(user, **target) -> list[Questionnaire]:
    """The questionnaires about one activity or Action (for its page's panel), with their latest version number."""
    return list(visible_to(user, Questionnaire).filter(is_template=False, **target)
                .annotate(latest_version=Max("versions__number")).order_by("-created_at", "-id"))


def follow_ups_without_questionnaire(user, action) -> list:
    """The outcome follow-ups of ``action`` that have no questionnaire yet (for the Action page's panel)."""
    if not can(user, "view", Questionnaire):
        return []
    return list(visible_to(user, FollowUp).filter(action=action, questionnaire__isnull=True).order_by("months"))


def questionnaires_for_action(user, action) -> list[Questionnaire]:
    """Questionnaires about an Action itself, one of its activities or one of its outcome follow-ups. The
    activities and follow-ups are chosen by ``__in`` subqueries on their indexed ``action`` column: an OR across
    joined tables made the database read every activity."""
    return list(visible_to(user, Questionnaire).filter(is_template=False)
                .filter(Q(action=action) | Q(activity__in=Activity.objects.filter(action=action).values("pk"))
                        | Q(follow_up__in=FollowUp.objects.filter(action=action).values("pk")))
                # The activities in a second query (a join made the database read every activity first), with
                # what their names show (the Action's code, the type).
                .prefetch_related(Prefetch("activity", queryset=Activity.objects.select_related("action", "type")))
                .annotate(latest_version=_latest_version()).order_by("-created_at", "-id"))



def _json(value):
    """A JSON column read by a plain cursor: decoded text (SQLite, and PostgreSQL as Django configures psycopg), or
    the value itself when the driver already decoded it."""
    return json.loads(value) if isinstance(value, str) else value


def frozen_questions(questions) -> list[dict]:
    frozen = []
    for q in questions:
        frozen.append({
            "key": q.key, "type": q.type, "text": dict(q.text or {}), "help": dict(q.help or {}),
            "required": bool(q.required), "criterion": q.criterion.code if q.criterion_id else "",
            "level": q.level or "", "pair": q.pair or "", "phase": q.phase or "",
            "choices": [{"value": c.value, "label": dict(c.label or {})} for c in q.choices.all()]
            if q.type in CHOICE_TYPES else [],
        })
    return frozen


def missing_texts(questionnaire: Questionnaire, questions=None) -> dict[str, list[str]]:
    """What is not written in each of the questionnaire's languages: ``{lang: [description, ...]}`` (languages with
    nothing missing are left out). Titles, questions and choices always count; the introduction and a question's
    hint count when written in some language."""
    if questions is None:
        questions = list(questionnaire.questions.select_related("criterion").prefetch_related("choices")
                         .order_by("order", "id"))
    missing: dict[str, list[str]] = {}

    def check(value, label, *, optional=False):
        value = value or {}
        if optional and not any((value.get(lang) or "").strip() for lang in value):
            return
        for lang in questionnaire.languages:
            if not (value.get(lang) or "").strip():
                missing.setdefault(lang, []).append(label)

    check(questionnaire.title, _("the title"))
    check(questionnaire.intro, _("the introduction"), optional=True)
    for q in questions:
        check(q.text, _("question “%(key)s”") % {"key": q.key})
        check(q.help, _("the hint of question “%(key)s”") % {"key": q.key}, optional=True)
        if q.type in CHOICE_TYPES:
            for c in q.choices.all():
                check(c.label, _("choice “%(value)s” of question “%(key)s”") % {"value": c.value, "key": q.key})
    return missing


def launch_problems(questionnaire: Questionnaire, questions=None) -> list[tuple[str, str]]:
    """Why the working copy cannot be launched, as ``(code, message)`` pairs (empty: it can be)."""
    if questions is None:
        questions = list(questionnaire.questions.select_related("criterion").prefetch_related("choices")
                         .order_by("order", "id"))
    problems: list[tuple[str, str]] = []
    if questionnaire.is_template:
        problems.append(("template", _("A template is not launched: create a questionnaire from it.")))
    if not questionnaire.languages:
        problems.append(("languages", _("Choose at least one language.")))
    if not questions:
        problems.append(("no_questions", _("Add at least one question.")))
    seen: set[str] = set()
    for q in questions:
        key = q.key.lower()
        if key in seen:
            problems.append(("duplicate_key", _("Two questions have the key “%(key)s”.") % {"key": q.key}))
        seen.add(key)
        if q.type in CHOICE_TYPES and len(q.choices.all()) < MIN_CHOICES:
            problems.append(("no_choices", _("Question “%(key)s” needs at least two choices.") % {"key": q.key}))
    pairs: dict[str, list[str]] = {}
    for q in questions:
        if q.type == Question.Type.KNOWLEDGE:
            pairs.setdefault(q.pair, []).append(q.phase)
    for pair, phases in sorted(pairs.items()):
        if sorted(phases) != ["post", "pre"]:
            problems.append(("incomplete_pair", _("The knowledge questions of pair “%(pair)s” need exactly one "
                                                  "“before” and one “after” question.") % {"pair": pair or "?"}))
    missing = missing_texts(questionnaire, questions)
    if missing and not questionnaire.show_fallback:
        names = dict(settings.LANGUAGES)
        for lang in questionnaire.languages:
            if lang in missing:
                problems.append(("missing_text", _("Not written in %(language)s: %(what)s.") % {
                    "language": names.get(lang, lang), "what": ", ".join(str(item) for item in missing[lang])}))
    return problems


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.order_by("-number").first()


def has_unlaunched_changes(questionnaire: Questionnaire) -> bool:
    """Whether the working copy differs from the last launched version (or nothing was launched yet)."""
    version = current_version(questionnaire)
    if version is None:
        return True
    questions = questionnaire.questions.select_related("criterion").prefetch_related("choices").order_by("order", "id")
    return (frozen_questions(questions) != version.questions or dict(questionnaire.title) != version.title
            or dict(questionnaire.intro or {}) != version.intro or list(questionnaire.languages) != version.languages)




def preview_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The working copy as a version that is not saved: the preview shows what launching would freeze."""
    return QuestionnaireVersion(questionnaire=questionnaire, number=0,
                                questions=frozen_questions(questionnaire.questions.all()),
                                title=dict(questionnaire.title), intro=dict(questionnaire.intro or {}),
                                languages=list(questionnaire.languages))
