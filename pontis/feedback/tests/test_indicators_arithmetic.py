"""Indicator arithmetic on known data (test_indicators_world.py), suppression, scope filters and a flat query
count: the figures are SQL aggregates, five queries whatever the number of answers."""

import datetime
import uuid

import pytest

from pontis.actions.models import Action, Activity
from pontis.core.models import Country, Region, ThematicArea
from pontis.feedback.indicators import (
    indicators,
    indicators_by_action,
    indicators_by_activity,
    period_bounds,
    previous_period,
)
from pontis.feedback.models import Answer, Response
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import A1_DAY, at, build_world, knowledge, make_questionnaire, make_response, rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def officer():
    return user_with_role("officer")


@pytest.fixture
def admin():
    return user_with_role("admin")


def test_the_activity_figures_are_exact(world, officer):
    figures = indicators(activity=world["a1"], user=officer)

    assert (figures.satisfaction_rate.value, figures.satisfaction_rate.count, figures.satisfaction_rate.total,
            figures.satisfaction_rate.respondents) == (round(5 / 7, 4), 5, 7, 7)
    assert (figures.knowledge_gain.value, figures.knowledge_gain.count, figures.knowledge_gain.respondents) == (1.4, 5, 5)
    assert (figures.women_share.value, figures.women_share.count, figures.women_share.total) == (0.375, 3, 8)
    assert (figures.response_rate.value, figures.response_rate.count, figures.response_rate.total) == (0.6, 6, 10)
    assert list(figures.ratings_by_criterion) == ["relevance"]
    relevance = figures.ratings_by_criterion["relevance"]
    assert (relevance.value, relevance.count, relevance.respondents) == (round(27 / 7, 4), 7, 7)
    assert not any(f.suppressed for f in (figures.satisfaction_rate, figures.knowledge_gain, figures.women_share,
                                          figures.response_rate, relevance))


def test_a_pair_answered_before_and_after_in_two_questionnaires_by_the_same_person_is_matched(world, officer):
    # Given a "before" questionnaire and an "after" one of A1 answered by the same person (person_key)
    pre_q, pre_v = make_questionnaire(activity=world["a1"])
    post_q, post_v = make_questionnaire(activity=world["a1"])
    make_response(pre_q, pre_v, day=A1_DAY, answers=[knowledge("law", "pre", 1)], person_key="k-1")
    make_response(post_q, post_v, day=A1_DAY, answers=[knowledge("law", "post", 4)], person_key="k-1")
    # and one "after" from someone else, whose "before" is missing
    make_response(post_q, post_v, day=A1_DAY, answers=[knowledge("law", "post", 5)], person_key="k-2")

    gain = indicators(activity=world["a1"], user=officer).knowledge_gain

    assert (gain.value, gain.count, gain.respondents) == (round(10 / 6, 4), 6, 6)


def test_fewer_than_five_respondents_are_suppressed_for_an_officer_not_for_an_administrator(world, officer, admin):
    hidden = indicators(activity=world["a2"], user=officer)
    shown = indicators(activity=world["a2"], user=admin)

    assert hidden.satisfaction_rate.suppressed is True
    assert (hidden.satisfaction_rate.value, hidden.satisfaction_rate.count, hidden.satisfaction_rate.respondents) == (None, None, None)
    assert hidden.ratings_by_criterion["relevance"].value is None
    assert hidden.ratings_by_criterion["relevance"].suppressed is True
    assert shown.satisfaction_rate.suppressed is False
    assert (shown.satisfaction_rate.value, shown.satisfaction_rate.count, shown.satisfaction_rate.respondents) == (round(2 / 3, 4), 2, 3)
    assert shown.ratings_by_criterion["relevance"].value == round(11 / 3, 4)


def test_the_committee_and_observers_see_suppressed_figures_too(world):
    for role in ("committee", "observer"):
        assert indicators(activity=world["a2"], user=user_with_role(role)).satisfaction_rate.suppressed is True


def test_the_action_filter_takes_its_activities_and_its_own_questionnaires(world, admin):
    # Given an Action-level questionnaire of X (expert feedback) answered with two ratings
    q, v = make_questionnaire(action=world["x"])
    make_response(q, v, day=A1_DAY, answers=[rating("overall", 5)])
    make_response(q, v, day=A1_DAY, answers=[rating("overall", 1)])

    x = indicators(action=world["x"], user=admin)
    y = indicators(action=world["y"], user=admin)

    assert (x.satisfaction_rate.count, x.satisfaction_rate.total) == (6, 9)
    assert (x.women_share.count, x.women_share.total) == (3, 8)
    assert (y.satisfaction_rate.count, y.satisfaction_rate.total) == (2, 3)
    assert y.women_share.total == 0 and y.women_share.value is None


def test_region_theme_and_period_filters(world, admin):
    west_africa, asia = Region.objects.get(code="west_africa"), Region.objects.get(code="asia")
    legal, protection = ThematicArea.objects.get(code="legal"), ThematicArea.objects.get(code="protection")

    assert indicators(region=west_africa, user=admin).satisfaction_rate.total == 7
    assert indicators(region=asia, user=admin).satisfaction_rate.total == 3
    assert indicators(region=asia, user=admin).women_share.total == 0
    assert indicators(theme=legal, user=admin).satisfaction_rate.total == 7
    assert indicators(theme=legal, user=admin).women_share.total == 8
    assert indicators(theme=protection, user=admin).satisfaction_rate.total == 3
    assert indicators(region=west_africa, theme=protection, user=admin).satisfaction_rate.total == 0
    year_2023 = indicators(date_from=datetime.date(2023, 1, 1), date_to=datetime.date(2023, 12, 31), user=admin)
    assert (year_2023.satisfaction_rate.total, year_2023.women_share.total) == (3, 0)
    march = indicators(date_from=datetime.date(2024, 3, 10), date_to=datetime.date(2024, 3, 10), user=admin)
    assert (march.satisfaction_rate.total, march.women_share.total) == (7, 8)
    assert indicators(user=admin).satisfaction_rate.total == 10


def test_the_meeting_region_counts_for_the_region(world, admin):
    # Given A1's meeting held in Asia (its own region), for an Action of West Africa
    world["meeting"].region = Region.objects.get(code="asia")
    world["meeting"].save(update_fields=["region"])

    assert indicators(region=Region.objects.get(code="asia"), user=admin).women_share.total == 8


def test_an_action_in_two_countries_of_a_region_is_not_counted_twice(world, admin):
    world["x"].countries.add(Country.objects.get(code="SN"))  # Senegal, West Africa too

    assert indicators(region=Region.objects.get(code="west_africa"), user=admin).satisfaction_rate.total == 7


def test_rows_by_action_are_suppressed_below_five_for_an_officer(world, officer, admin):
    rows = indicators_by_action(actions=Action.objects.all(), user=officer)
    admin_rows = indicators_by_action(actions=Action.objects.all(), user=admin)

    assert set(rows) == {world["x"].pk, world["y"].pk}
    assert rows[world["x"].pk].satisfaction_rate.value == round(5 / 7, 4)
    assert rows[world["x"].pk].women_share.value == 0.375
    assert rows[world["x"].pk].response_rate.value == 0.6
    assert rows[world["y"].pk].satisfaction_rate.suppressed is True
    assert admin_rows[world["y"].pk].satisfaction_rate.value == round(2 / 3, 4)
    assert indicators_by_action(actions=Action.objects.none(), user=admin) == {}


def test_rows_by_activity(world, officer):
    rows = indicators_by_activity(activities=Activity.objects.all(), user=officer)

    assert set(rows) == {world["a1"].pk, world["a2"].pk}
    a1 = rows[world["a1"].pk]
    assert (a1.satisfaction_rate.value, a1.women_share.value, a1.response_rate.value) == (round(5 / 7, 4), 0.375, 0.6)
    assert rows[world["a2"].pk].satisfaction_rate.suppressed is True


def _more_answers(world, n):
    q, v = world["q1"], world["v1"]
    responses = Response.objects.bulk_create([
        Response(questionnaire=q, version=v, client_id=uuid.uuid4(), activity=world["a1"], submitted_at=at(A1_DAY))
        for _ in range(n)])
    Answer.objects.bulk_create([Answer(response=r, **a) for r in responses
                                for a in (rating("overall", 4), knowledge("law", "pre", 1), knowledge("law", "post", 3))])


def test_the_same_number_of_queries_at_two_data_sizes(world, officer):
    small, _ = count_queries(lambda: indicators(activity=world["a1"], user=officer))
    by_action_small, _ = count_queries(lambda: indicators_by_action(
        actions=Action.objects.all(), user=officer))
    _more_answers(world, 60)
    large, figures = count_queries(lambda: indicators(activity=world["a1"], user=officer))
    by_action_large, _ = count_queries(lambda: indicators_by_action(
        actions=Action.objects.all(), user=officer))
    by_activity, _ = count_queries(lambda: indicators_by_activity(activities=Activity.objects.all(), user=officer))

    assert figures.satisfaction_rate.total == 67  # the extra answers were counted
    assert figures.knowledge_gain.count == 65
    assert_flat(small, large)
    assert small == 5  # one aggregate per figure
    assert_flat(by_action_small, by_action_large)
    assert by_action_small == 3
    assert by_activity == 3


def test_review_periods():
    assert period_bounds(2024, "year") == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert period_bounds(2024, "h2") == (datetime.date(2024, 7, 1), datetime.date(2024, 12, 31))
    assert period_bounds(2024, "q1") == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    assert period_bounds(2024, "q4") == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))
    assert previous_period(2024, "q1") == (2023, "q4")
    assert previous_period(2024, "h2") == (2024, "h1")
    assert previous_period(2024, "h1") == (2023, "h2")
    assert previous_period(2024, "year") == (2023, "year")
