"""The scope of the indicators of one activity or Action: the responses, answers and personal links it chooses are
exactly those of the joins it replaces (the Action's own, its activities', their meetings', its follow-ups'), the
period by the day in the reader's time zone, and the query count stays flat. Also the questionnaire panel of an
Action's page."""

import datetime
import secrets

import pytest
from django.db.models import Q
from django.utils import timezone

from pontis.actions.models import FollowUp
from pontis.feedback.indicators import Scope, indicators
from pontis.feedback.models import Answer, Invitation, Questionnaire, QuestionnaireVersion, Response
from pontis.feedback.selectors.builder import questionnaires_for_action
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import (
    A1_DAY,
    invite,
    knowledge,
    make_action,
    make_activity,
    make_meeting,
    make_questionnaire,
    make_response,
    rating,
)

pytestmark = pytest.mark.django_db


def _answers(n):
    return [
        rating("overall", 1 + n % 5),
        rating("venue", 4, criterion="efficiency"),
        knowledge("law", "pre", 2),
        knowledge("law", "post", 2 + n % 3),
    ]


def _grow(action, n):
    """Add ``n`` of each way a response or a personal link belongs to ``action``."""
    for i in range(n):
        activity = make_activity(action, day=A1_DAY)
        meeting = make_meeting(activity, day=A1_DAY)
        for target in ({"action": action}, {"activity": activity}, {"meeting": meeting}):
            q, v = make_questionnaire(**target)
            make_response(q, v, day=A1_DAY, answers=_answers(i))
            invite(q, answered=i % 2 == 0)
    follow_up = FollowUp.objects.create(action=action, months=6 + n, due_on=datetime.date(2030, 1, 1))
    q = Questionnaire.objects.create(title={"en": "Follow-up"}, follow_up=follow_up, status="open", languages=["en"])
    QuestionnaireVersion.objects.create(questionnaire=q, number=1, questions=[])
    invite(q, answered=True)


@pytest.fixture
def two_actions():
    x, y = make_action(code="2024-01"), make_action(code="2023-02", country="TH", themes=("protection",))
    _grow(x, 2)
    _grow(y, 1)
    # Mixed: a response about an activity of Y through a questionnaire naming X, and a meeting of X's activity
    # reached only through the meeting.
    other = make_activity(y, day=A1_DAY)
    q, v = make_questionnaire(action=x, activity=other)
    make_response(q, v, day=A1_DAY, answers=_answers(7))
    meeting = make_meeting(make_activity(x, day=A1_DAY), day=A1_DAY)
    q, v = make_questionnaire(meeting=meeting)
    make_response(q, v, day=A1_DAY, answers=_answers(8))
    return x, y


def _ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def _joined(prefix, *, activity=None, action=None, follow_up=False):
    """The scope through the joins (what the indicators read before choosing by ids)."""
    q = Q()
    if activity is not None:
        q &= Q(**{f"{prefix}activity": activity}) | Q(**{f"{prefix}meeting__activity": activity})
    if action is not None:
        by_action = (
            Q(**{f"{prefix}action": action})
            | Q(**{f"{prefix}activity__action": action})
            | Q(**{f"{prefix}meeting__activity__action": action})
        )
        if follow_up:
            by_action |= Q(**{f"{prefix}follow_up__action": action})
        q &= by_action
    return q


def test_the_scope_of_an_activity_or_action_chooses_what_the_joins_chose(two_actions):
    x, y = two_actions
    scopes = [{"action": x}, {"action": y}]
    scopes += [{"activity": a} for a in x.activities.all()]
    scopes += [{"activity": a, "action": y} for a in x.activities.all()[:1]]
    scopes += [{"activity": a, "action": x} for a in y.activities.all()]
    for target in scopes:
        scope = Scope(**target)
        assert _ids(scope.responses()) == _ids(Response.objects.filter(_joined("", **target))), target
        assert _ids(scope.answers()) == _ids(Answer.objects.filter(_joined("response__", **target))), target
        assert _ids(scope.invitations()) == _ids(
            Invitation.objects.filter(_joined("questionnaire__", **target, follow_up=True))
        ), target
    assert _ids(Scope(action=x).responses())  # the comparison is not between two empty sets
    assert len(_ids(Scope(action=x).invitations())) == 2 * 3 + 1


def test_the_action_figures_count_every_way_a_response_belongs_to_it(two_actions):
    x, _y = two_actions
    officer = user_with_role("officer")
    figures = indicators(action=x, user=officer)
    ratings = Answer.objects.filter(_joined("response__", action=x), type="rating", level="reaction")
    assert figures.satisfaction_rate.total == ratings.count() == 2 * 3 * 2 + 2 * 2
    assert figures.satisfaction_rate.count == ratings.filter(number__gte=4).count()
    assert figures.knowledge_gain.count == 2 * 3 + 2
    assert figures.response_rate.total == 7
    assert figures.response_rate.count == 4


def test_the_action_figures_cost_the_same_queries_at_two_sizes():
    officer = user_with_role("officer")
    action = make_action(code="2024-01")
    _grow(action, 1)
    small, _ = count_queries(lambda: indicators(action=action, user=officer))
    _grow(action, 4)
    large, figures = count_queries(lambda: indicators(action=action, user=officer))
    assert figures.response_rate.total == 1 * 3 + 1 + 4 * 3 + 1  # the larger data set was read
    assert_flat(small, large)
    assert small == 5  # the ids of the Action's activities, meetings and follow-ups, then four aggregates


def test_the_period_is_the_day_in_the_readers_time_zone():
    action = make_action(code="2024-01")
    q, v = make_questionnaire(action=action)
    day = datetime.date(2024, 3, 31)  # the night the clocks change in Europe
    with timezone.override("America/New_York"):
        moments = [
            timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=d), t))
            for d in (-1, 0, 1)
            for t in (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))
        ]
    for moment in moments:
        response = make_response(q, v, day=A1_DAY, answers=[rating("overall", 5)])
        Response.objects.filter(pk=response.pk).update(submitted_at=moment)
        Invitation.objects.create(questionnaire=q, token=secrets.token_urlsafe(32), created_at=moment)
    for zone in ("America/New_York", "Europe/Brussels", "Asia/Tokyo", "UTC"):
        with timezone.override(zone):
            scope = Scope(date_from=day, date_to=day)
            by_date = Response.objects.filter(submitted_at__date__gte=day, submitted_at__date__lte=day)
            assert _ids(scope.responses()) == _ids(by_date), zone
            assert _ids(scope.invitations()) == _ids(Invitation.objects.filter(created_at__date=day)), zone
            assert _ids(Scope(date_from=day).responses()) == _ids(Response.objects.filter(submitted_at__date__gte=day))
            assert _ids(Scope(date_to=day).responses()) == _ids(Response.objects.filter(submitted_at__date__lte=day))
    with timezone.override("America/New_York"):
        assert len(_ids(Scope(date_from=day, date_to=day).responses())) == 2


def _panel(user, action):
    return [(q.pk, q.latest_version, str(q.activity) if q.activity_id else "") for q in questionnaires_for_action(user, action)]


def test_the_questionnaire_panel_of_an_action_lists_its_questionnaires_in_the_same_queries_at_two_sizes():
    officer = user_with_role("officer")
    x, y = make_action(code="2024-01"), make_action(code="2023-02", country="TH", themes=("protection",))
    _grow(x, 1)
    _grow(y, 1)
    small, rows = count_queries(lambda: _panel(officer, x))
    expected = (
        Questionnaire.objects.filter(is_template=False)
        .filter(Q(action=x) | Q(activity__action=x) | Q(follow_up__action=x))
        .order_by("-created_at", "-id")
    )
    assert [pk for pk, _, _ in rows] == list(expected.values_list("pk", flat=True))
    assert {version for _, version, _ in rows} == {1}
    assert any(name.startswith("2024-01 · ") for _, _, name in rows)
    _grow(x, 4)
    large, rows = count_queries(lambda: _panel(officer, x))
    assert len(rows) == 5 * 2 + 2  # the Action's, its activities' and its follow-ups' (meetings' are not listed)
    assert_flat(small, large)
