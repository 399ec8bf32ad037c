"""The numbers a response stores about its answers (reaction ratings, knowledge pairs and gain): set on submission,
filled by migration 0003 for older responses, and what the facility-wide satisfaction and knowledge figures read."""

import importlib
import types
import uuid
from collections import defaultdict

import pytest
from django.apps import apps as django_apps
from django.db import connection

from pontis.feedback.indicators import headline_indicators
from pontis.feedback.models import Answer, Response
from pontis.feedback.services import responses as svc
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import (
    A1_DAY,
    A2_DAY,
    knowledge,
    make_action,
    make_activity,
    make_questionnaire,
    make_response,
    rating,
)
from .test_responses_submit import invite, question
from .test_responses_submit import make_questionnaire as make_open_questionnaire

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = ("reaction_ratings", "reaction_satisfied", "knowledge_pairs", "knowledge_gain")

QUESTIONS = [
    question("overall", level="reaction"),
    question("venue", level="reaction"),
    question("applied", level="behaviour"),  # a rating at another level: not counted
    question("law_pre", "knowledge", pair="law", phase="pre"),
    question("law_post", "knowledge", pair="law", phase="post"),
    question("eu_pre", "knowledge", pair="eu", phase="pre"),  # no "after": not matched
    question("data_pre_a", "knowledge", pair="data", phase="pre"),  # two "before" answers: averaged
    question("data_pre_b", "knowledge", pair="data", phase="pre"),
    question("data_post", "knowledge", pair="data", phase="post"),
    question("comment", "text", required=False),
]
ANSWERS = {"overall": 5, "venue": 3, "applied": 5, "law_pre": 2, "law_post": 4, "eu_pre": 1, "data_pre_a": 1,
           "data_pre_b": 2, "data_post": 5, "comment": "Good."}
EXPECTED = {"reaction_ratings": 2, "reaction_satisfied": 1, "knowledge_pairs": 2,
            "knowledge_gain": (4 - 2) + (5 - 1.5)}


def summaries(response) -> dict:
    response.refresh_from_db()
    return {name: getattr(response, name) for name in SUMMARY_FIELDS}


def submit(questionnaire, answers, email):
    response, created = svc.response_submit(token=invite(questionnaire, email=email).token, client_id=uuid.uuid4(),
                                            answers=answers, channel="link")
    assert created
    return response


def test_submitting_stores_the_four_numbers():
    questionnaire = make_open_questionnaire(QUESTIONS)
    response = submit(questionnaire, ANSWERS, "ana@example.org")
    assert summaries(response) == EXPECTED


def test_a_response_without_such_answers_stores_zeros():
    questionnaire = make_open_questionnaire(QUESTIONS[:1] + [question("comment", "text")])
    response = submit(questionnaire, {"overall": 2, "comment": "No."}, "ana@example.org")
    assert summaries(response) == {"reaction_ratings": 1, "reaction_satisfied": 0, "knowledge_pairs": 0,
                                   "knowledge_gain": 0}


def test_the_pure_function_reads_rows_as_validated():
    rows = [{"type": "rating", "number": 4, "level": "reaction", "pair": "", "phase": ""},
            {"type": "rating", "number": None, "level": "reaction", "pair": "", "phase": ""},
            {"type": "knowledge", "number": 3, "level": "", "pair": "", "phase": "pre"},  # no pair: left out
            {"type": "knowledge", "number": 1, "level": "", "pair": "p", "phase": "pre"},
            {"type": "knowledge", "number": 2, "level": "", "pair": "p", "phase": "post"}]
    assert svc.response_summaries(rows) == {"reaction_ratings": 1, "reaction_satisfied": 1, "knowledge_pairs": 1,
                                            "knowledge_gain": 1.0}


def _fill_step():
    migration = importlib.import_module("pontis.feedback.migrations.0003_response_summaries")
    return lambda: migration.fill_summaries(django_apps, types.SimpleNamespace(connection=connection))


def test_the_migration_fills_the_same_numbers_as_the_service():
    questionnaire = make_open_questionnaire(QUESTIONS)
    variants = [ANSWERS, {**ANSWERS, "venue": 4, "law_post": 1, "data_post": 3},
                {**ANSWERS, "overall": 1, "law_post": 2, "data_pre_b": 5}]
    responses = [submit(questionnaire, answers, f"p{i}@example.org") for i, answers in enumerate(variants)]
    stored = [summaries(r) for r in responses]
    assert stored[0] == EXPECTED
    Response.objects.update(reaction_ratings=0, reaction_satisfied=0, knowledge_pairs=0, knowledge_gain=0)
    assert all(summaries(r)["knowledge_pairs"] == 0 for r in responses)
    _fill_step()()
    assert [summaries(r) for r in responses] == stored
    rows = [[{"type": a.type, "number": a.number, "level": a.level, "pair": a.pair, "phase": a.phase}
             for a in r.answers.all()] for r in responses]
    assert stored == [svc.response_summaries(r) for r in rows]


def test_answers_written_through_the_orm_refresh_their_response():
    q, v = make_questionnaire()
    response = make_response(q, v, day=A1_DAY, answers=[rating("a", 4, level="reaction"), knowledge("k", "pre", 1)])
    assert summaries(response) == {"reaction_ratings": 1, "reaction_satisfied": 1, "knowledge_pairs": 0,
                                   "knowledge_gain": 0}
    Answer.objects.bulk_create([Answer(response=response, **knowledge("k", "post", 4))])
    assert summaries(response)["knowledge_pairs"] == 1
    assert summaries(response)["knowledge_gain"] == 3


# ---------------------------------------------------------------- the indicators read them


def _direct(answers):
    """Satisfaction and knowledge gain computed from the answers, as the indicators did before the summaries."""
    ratings = [a for a in answers if a.type == "rating" and a.level == "reaction" and a.number is not None]
    scores = defaultdict(lambda: {"pre": [], "post": []})
    for a in answers:
        if a.type == "knowledge" and a.number is not None and a.pair and a.phase in ("pre", "post"):
            who = ("person", a.response.person_key) if a.response.person_key else ("response", a.response_id)
            scores[(who, a.pair)][a.phase].append(a.number)
    matched = {key: s for key, s in scores.items() if s["pre"] and s["post"]}
    gains = [sum(s["post"]) / len(s["post"]) - sum(s["pre"]) / len(s["pre"]) for s in matched.values()]
    return {
        "satisfaction": (sum(a.number >= 4 for a in ratings), len(ratings), len({a.response_id for a in ratings})),
        "knowledge": (round(sum(gains) / len(gains), 4), len(gains), len({who for who, _pair in matched})),
    }


def test_the_headline_figures_equal_a_computation_from_the_answers():
    admin = user_with_role("admin")
    x = make_action(code="2024-71")
    q1, v1 = make_questionnaire(activity=make_activity(x, day=A1_DAY))
    q2, v2 = make_questionnaire(activity=make_activity(x, day=A2_DAY))
    # Without a person key: matched within the response.
    make_response(q1, v1, day=A1_DAY, answers=[rating("r", 5), knowledge("law", "pre", 1), knowledge("law", "post", 4)])
    make_response(q1, v1, day=A1_DAY, answers=[rating("r", 2), knowledge("law", "pre", 3), knowledge("law", "post", 3),
                                                knowledge("eu", "pre", 2), knowledge("eu", "post", 5)])
    make_response(q1, v1, day=A1_DAY, answers=[rating("r", 4, level="learning"), knowledge("law", "pre", 2)])
    # With one: "before" in one questionnaire, "after" in another, one matched pair for the person.
    make_response(q1, v1, day=A1_DAY, person_key="ana", answers=[rating("r", 4), knowledge("law", "pre", 1)])
    make_response(q2, v2, day=A2_DAY, person_key="ana", answers=[rating("r", 3), knowledge("law", "post", 2)])
    make_response(q2, v2, day=A2_DAY, person_key="ben", answers=[knowledge("law", "pre", 2),
                                                                  {**knowledge("law", "pre", 3), "key": "law-pre-2"},
                                                                  knowledge("law", "post", 5)])
    make_response(q2, v2, day=A2_DAY, person_key="cy", answers=[knowledge("law", "post", 5)])  # no "before"

    figures = headline_indicators(user=admin)
    direct = _direct(list(Answer.objects.select_related("response")))
    s, k = figures.satisfaction_rate, figures.knowledge_gain
    assert (s.count, s.total, s.respondents) == direct["satisfaction"] == (2, 4, 4)
    assert s.value == round(2 / 4, 4)
    assert (k.value, k.count, k.respondents) == direct["knowledge"]
    assert (k.count, k.respondents) == (5, 4)  # two alone responses (three pairs), ana and ben


def test_the_headline_figures_cost_the_same_queries_for_1_and_20_responses():
    admin = user_with_role("admin")
    q, v = make_questionnaire(activity=make_activity(make_action(code="2024-72"), day=A1_DAY))
    answers = [rating("r", 4), knowledge("law", "pre", 1), knowledge("law", "post", 3)]
    make_response(q, v, day=A1_DAY, answers=answers)
    small, _ = count_queries(lambda: headline_indicators(user=admin))
    for i in range(19):
        make_response(q, v, day=A1_DAY, answers=answers, person_key=f"p{i % 3}" if i % 2 else "")
    large, figures = count_queries(lambda: headline_indicators(user=admin))
    assert figures.satisfaction_rate.total == 20
    assert figures.knowledge_gain.count == 11 + 3  # eleven responses alone, three people (one pair each)
    assert_flat(small, large)
    assert small == 2  # one query per figure
