"""The review's rows by Action and by activity: counted per target first (``review_targets``), the same figures as
grouping every rating and personal link across joins (``indicators_by``), 25 rows a page with the filters kept,
the same number of queries at two data sizes, and every row in the exports."""

import datetime
import io
import re
import uuid

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pontis.actions.models import Action, FollowUp
from pontis.core.models import Country, Region, ThematicArea
from pontis.feedback.indicators import indicators_by, period_bounds, review_targets
from pontis.feedback.models import Answer, Invitation, Questionnaire, Response
from pontis.feedback.selectors.indicators import indicator_row_actions, indicator_row_activities
from pontis.feedback.views_indicators import ROWS_PER_PAGE
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import (
    at,
    attend,
    build_world,
    invite,
    make_action,
    make_activity,
    make_meeting,
    make_questionnaire,
    make_response,
    rating,
)

pytestmark = pytest.mark.django_db

REVIEW = reverse("feedback:indicators_review")
XLSX = reverse("feedback:indicators_review_xlsx")
PDF = reverse("feedback:indicators_review_pdf")
Q2_2024 = datetime.date(2024, 5, 20)


def _richer_world():
    """build_world, plus responses, links and attendance for every kind of target, in several periods: an Action's
    own questionnaire, a meeting's (its activity's Action), a meeting without an activity (no row), an outcome
    follow-up's (its Action's), a response whose own Action and activity disagree (its own Action counts), rating
    answers at another level (not satisfaction), and links and attendance in 2023 and 2024."""
    world = build_world()
    z = make_action(code="2024-05", country="TH", themes=("protection", "legal"))
    a3 = make_activity(z, day=Q2_2024)
    m3 = make_meeting(a3, day=Q2_2024, region=Region.objects.get(code="asia"))
    lonely = make_meeting(None, day=Q2_2024)
    q_action, v_action = make_questionnaire(action=z)
    q_meeting, v_meeting = make_questionnaire(meeting=m3)
    q_lonely, v_lonely = make_questionnaire(meeting=lonely)
    follow_up = FollowUp.objects.create(action=world["y"], months=6, due_on=Q2_2024)
    q_follow = Questionnaire.objects.create(title={"en": "Follow-up"}, follow_up=follow_up, status="open", languages=["en"])
    for i, number in enumerate([5, 4, 2, 5, 5, 3]):
        make_response(q_action, v_action, day=Q2_2024, answers=[rating("overall", number), rating("skills", 5, level="learning")])
        make_response(
            q_meeting, v_meeting, day=Q2_2024 if i % 2 else datetime.date(2023, 11, 2), answers=[rating("overall", number)]
        )
        make_response(q_lonely, v_lonely, day=Q2_2024, answers=[rating("overall", number)])
    make_response(q_action, v_action, day=Q2_2024, answers=[rating("skills", 1, level="learning")])
    odd = Response.objects.create(
        questionnaire=world["q2"],
        version=world["v2"],
        client_id=uuid.uuid4(),
        action=world["x"],
        activity=world["a2"],
        submitted_at=at(Q2_2024),
    )
    Answer.objects.bulk_create([Answer(response=odd, key="overall", type="rating", number=2, level="reaction")])
    for gender in ["woman", "man", "woman", "unstated", "woman", "man"]:
        attend(m3, gender)
        attend(lonely, gender)
    old_meeting = make_meeting(make_activity(z, day=datetime.date(2023, 6, 1)), day=datetime.date(2023, 6, 1))
    for gender in ["woman", "man"]:
        attend(old_meeting, gender)
    for i in range(7):
        invite(q_action, answered=i < 3, day=Q2_2024)
        invite(q_meeting, answered=i < 5, day=datetime.date(2023, 12, 31) if i < 2 else Q2_2024)
        invite(q_lonely, answered=True, day=Q2_2024)
        invite(q_follow, answered=i % 2 == 0, day=Q2_2024)
        invite(world["q2"], answered=False, day=datetime.date(2023, 5, 2))
    return {**world, "z": z, "a3": a3, "m3": m3}


SCOPES = [
    {"year": 2024, "part": "year"},
    {"year": 2024, "part": "q1"},
    {"year": 2024, "part": "q2"},
    {"year": 2023, "part": "year"},
    {"year": 2023, "part": "h2"},
    {"year": 2024, "part": "year", "region": "asia"},
    {"year": 2024, "part": "year", "region": "west_africa"},
    {"year": 2024, "part": "year", "theme": "legal"},
    {"year": 2023, "part": "year", "theme": "protection"},
]


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_rows_are_those_of_grouping_every_answer_and_link(role):
    # Given several Actions, activities, meetings and follow-ups with figures in several periods
    world = _richer_world()
    user = user_with_role(role)
    seen = set()
    for scope in SCOPES:
        date_from, date_to = period_bounds(scope["year"], scope["part"])
        filters = {
            "region": Region.objects.filter(code=scope.get("region")).first(),
            "theme": ThematicArea.objects.filter(code=scope.get("theme")).first(),
            "date_from": date_from,
            "date_to": date_to,
        }

        # When the rows are counted per target, and by grouping every rating and link across joins
        targets = review_targets(**filters)
        for kind, among in (("action", indicator_row_actions(user)), ("activity", indicator_row_activities(user))):
            new = targets.rows(kind, among=among, user=user)
            old = indicators_by(kind, among=among, **filters, user=user)

            # Then the same rows, in the same order, with exactly the same figures
            assert new.ids == list(old), (scope, kind)
            assert new.rows(new.ids) == old, (scope, kind)
            assert new.rows(new.ids[1:2]) == {pk: old[pk] for pk in list(old)[1:2]}
            seen |= {(kind, pk) for pk in new.ids}
    # and the comparison met every kind of target
    assert {
        ("action", world["x"].pk),
        ("action", world["y"].pk),
        ("action", world["z"].pk),
        ("activity", world["a1"].pk),
        ("activity", world["a2"].pk),
        ("activity", world["a3"].pk),
    } <= seen


def test_an_observer_gets_no_rows():
    _richer_world()
    observer = user_with_role("observer")
    date_from, date_to = period_bounds(2024, "year")
    targets = review_targets(date_from=date_from, date_to=date_to)

    assert targets.rows("action", among=indicator_row_actions(observer), user=observer).ids == []
    assert targets.rows("activity", among=indicator_row_activities(observer), user=observer).ids == []


def _actions_with_links(n, *, start=0):
    """``n`` Actions, each with one activity-less questionnaire and six personal links in March 2024 (three
    answered): a row each, response rate 50 %."""
    country = Country.objects.get(code="CV")
    actions = Action.objects.bulk_create(
        [
            Action(
                code=f"2024-{100 + start + i}",
                title={"en": f"Paged {start + i}"},
                start_date=datetime.date(2024, 1, 1),
                lead_country=country,
            )
            for i in range(n)
        ]
    )
    questionnaires = Questionnaire.objects.bulk_create(
        [Questionnaire(title={"en": "Feedback"}, action=action, status="open", languages=["en"]) for action in actions]
    )
    when = at(datetime.date(2024, 3, 1))
    Invitation.objects.bulk_create(
        [
            Invitation(
                questionnaire=q,
                token=uuid.uuid4().hex + str(i),
                email=f"paged{q.pk}-{i}@example.org",
                created_at=when,
                answered_at=when if i < 3 else None,
            )
            for q in questionnaires
            for i in range(6)
        ]
    )
    return actions


def _codes(page: str) -> list[str]:
    return re.findall(r'<a href="/actions/(2024-\d+)/">', page)


def test_the_page_shows_a_page_of_actions_and_keeps_the_filters(client, officer):
    # Given 61 Actions with figures in 2024 (build_world's X and 60 more)
    build_world()
    _actions_with_links(60)
    client.force_login(officer)
    year = {"year": "2024", "part": "year"}
    old = indicators_by(
        "action",
        among=Action.objects.all(),
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 12, 31),
        user=officer,
    )

    # When the reader opens the first and second pages of the Actions
    first = client.get(REVIEW, year).content.decode()
    second = client.get(REVIEW, {**year, "action_page": "2"}).content.decode()

    # Then 25 Actions, then the next 25, in the order of their ids, and the count of all of them
    codes = dict(Action.objects.values_list("pk", "code"))
    assert _codes(first) == [codes[pk] for pk in list(old)[:ROWS_PER_PAGE]]
    assert _codes(second) == [codes[pk] for pk in list(old)[ROWS_PER_PAGE : 2 * ROWS_PER_PAGE]]
    assert "61 Actions with figures for this period" in first
    assert "Page 1 of 3" in first and "Page 2 of 3" in second
    assert 'href="?year=2024&amp;part=year&amp;action_page=2#by-action"' in first
    assert 'href="?year=2024&amp;part=year&amp;action_page=1#by-action"' in second
    # the totals are the period's, on every page
    assert "71.4 %" in first and "71.4 %" in second


def test_the_other_table_and_the_filters_stay_in_the_page_links(client, officer):
    world = build_world()
    _actions_with_links(55)
    client.force_login(officer)

    page = client.get(
        REVIEW, {"year": "2024", "part": "year", "region": "west_africa", "activity_page": "1", "action_page": "2"}
    ).content.decode()

    assert 'href="?year=2024&amp;part=year&amp;region=west_africa&amp;activity_page=1&amp;action_page=1#by-action"' in page
    assert 'href="/feedback/review/indicators.xlsx?year=2024&amp;part=year&amp;region=west_africa"' in page
    assert world["x"].code not in _codes(page)  # on the first page


@pytest.mark.parametrize("page_number", ["abc", "0", "-1", "999", "1.5", "9" * 40])
def test_a_bad_page_number_shows_a_page(client, officer, page_number):
    build_world()
    client.force_login(officer)

    response = client.get(REVIEW, {"year": "2024", "part": "year", "action_page": page_number, "activity_page": page_number})

    assert response.status_code == 200
    assert "Action 2024-01" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_the_page_opens_in_every_language(client, officer, language):
    build_world()
    _actions_with_links(51)
    client.force_login(officer)

    response = client.get(REVIEW, {"year": "2024", "part": "year"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert len(_codes(response.content.decode())) == ROWS_PER_PAGE


def test_the_page_costs_the_same_queries_with_more_rows_than_a_page(client, officer):
    # Given a few rows, then more than two pages of Actions and activities with responses, links and attendance
    world = build_world()
    client.force_login(officer)
    year = {"year": "2024", "part": "year"}
    small, _ = count_queries(lambda: client.get(REVIEW, year))
    actions = _actions_with_links(120)
    for action in actions[:55]:
        activity = make_activity(action, day=datetime.date(2024, 4, 1))
        q, v = make_questionnaire(activity=activity)
        make_response(q, v, day=datetime.date(2024, 4, 1), answers=[rating("overall", 5)])
    meeting = make_meeting(world["a2"], day=datetime.date(2024, 2, 1))
    attend(meeting, "woman")

    # When the first and the last page are read
    large, response = count_queries(lambda: client.get(REVIEW, year))
    last, _ = count_queries(lambda: client.get(REVIEW, {**year, "action_page": "3", "activity_page": "2"}))

    # Then the same number of queries
    assert "Page 1 of 5" in response.content.decode()
    assert_flat(small, large)
    assert_flat(small, last)


def test_the_rows_cost_the_same_queries_at_two_data_sizes(officer):
    build_world()
    date_from, date_to = period_bounds(2024, "year")

    def rows():
        targets = review_targets(date_from=date_from, date_to=date_to)
        actions = targets.rows("action", among=indicator_row_actions(officer), user=officer)
        activities = targets.rows("activity", among=indicator_row_activities(officer), user=officer)
        return actions.rows(actions.ids), activities.rows(activities.ids)

    small, (few, _) = count_queries(rows)
    _actions_with_links(80)
    large, (many, _) = count_queries(rows)

    assert (len(few), len(many)) == (1, 81)
    assert_flat(small, large)
    assert small == 8  # six for the targets, one visibility check per table


def test_the_exports_hold_every_row(client, officer):
    # Given 71 Actions with figures (more than a page)
    build_world()
    actions = _actions_with_links(70)
    client.force_login(officer)
    year = {"year": "2024", "part": "year"}

    # When the reader downloads the review, from its second page
    sheet = load_workbook(io.BytesIO(client.get(XLSX, {**year, "action_page": "2"}).content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    pdf = client.get(PDF, year)

    # Then every Action is in the spreadsheet, with its figures
    paged = [row for row in rows if row[0] and str(row[0]).startswith("2024-1")]
    assert len(paged) == 70
    assert paged[0][:4] == [f"{actions[0].code} Paged 0", None, None, 50.0]
    assert [row for row in rows if row[0] == "2024-01 Action 2024-01"][0][1:4] == [71.4, 37.5, 60.0]
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_rows_kept_for_every_reader_still_show_each_reader_their_own(client, settings):
    # Given the targets of a period kept in the shared cache after an administrator read them
    from django.core.cache import cache

    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    world = build_world()
    q2023 = {"year": "2023", "part": "year"}
    client.force_login(user_with_role("admin"))
    admin_page = client.get(REVIEW, q2023).content.decode()

    # When an officer and an observer read the same period
    client.force_login(user_with_role("officer"))
    officer_page = client.get(REVIEW, q2023).content.decode()
    client.force_login(user_with_role("observer"))
    observer_page = client.get(REVIEW, q2023).content.decode()

    # Then the small numbers the administrator saw are suppressed for the officer, and the observer sees no row
    assert "66.7 %" in admin_page
    assert f'href="/actions/{world["y"].code}/"' in officer_page
    assert "66.7 %" not in officer_page
    assert "suppressed (fewer than 5 respondents)" in officer_page
    assert world["y"].code not in observer_page
    cache.clear()
