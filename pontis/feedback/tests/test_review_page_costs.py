"""What the review page costs once its figures are kept: the rows written in Python are the markup its template
wrote (in the five languages), the period form's options are Django's own, which rows a reader may see is asked
once per statement that chooses them, and a warm page reads no response, answer, link or attendance."""

import datetime
import uuid

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from pontis.actions.models import Action
from pontis.feedback.forms_indicators import ReviewForm
from pontis.feedback.indicators import period_bounds, review_targets
from pontis.feedback.markup import addresses
from pontis.feedback.models import Invitation, Questionnaire
from pontis.feedback.selectors.indicators import indicator_row_actions, indicator_row_activities
from pontis.feedback.views_indicators import action_lines, action_rows_html, activity_lines, activity_rows_html
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import at, build_world, make_action, make_activity, make_questionnaire

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
REVIEW = reverse("feedback:indicators_review")

# The rows as review_page.html wrote them before they were built in Python.
ACTION_ROWS = Template(
    "{% for line in lines %}<tr><th scope=\"row\"><a href=\"{% url 'actions:detail' line.code %}\">{{ line.code }}</a> "
    "{{ line.title }}</th><td>{{ line.satisfaction }}</td><td>{{ line.women }}</td><td>{{ line.response }}</td></tr>"
    "{% endfor %}")
ACTIVITY_ROWS = Template(
    "{% for line in lines %}<tr><th scope=\"row\"><a href=\"{% url 'actions:activity' line.code line.pk %}\">"
    "{{ line.code }}</a> {{ line.title }}</th><td>{{ line.satisfaction }}</td><td>{{ line.women }}</td>"
    "<td>{{ line.response }}</td></tr>{% endfor %}")


def _hostile_rows():
    """build_world, plus an Action and an activity whose titles hold markup, quotes and a fallback language, with
    links in 2024 (a row each, its figures suppressed below five respondents for an officer)."""
    build_world()
    action = make_action(code="2024-77")
    action.title = {"es": "<b>Trata</b> & \"asilo\" l'été"}
    action.save()
    activity = make_activity(action, day=datetime.date(2024, 4, 2))
    activity.title = {"en": "Rights <script>x</script>", "ru": "Права «мигрантов»"}
    activity.save()
    for target in ({"action": action}, {"activity": activity}):
        q, _ = make_questionnaire(**target)
        for i in range(3):
            Invitation.objects.create(questionnaire=q, token=uuid.uuid4().hex, email=f"h{q.pk}-{i}@example.org",
                                      created_at=at(datetime.date(2024, 4, 2)),
                                      answered_at=at(datetime.date(2024, 4, 3)) if i else None)


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_rows_are_the_markup_the_template_wrote_in_every_language(role):
    _hostile_rows()
    user = user_with_role(role)
    date_from, date_to = period_bounds(2024, "year")
    targets = review_targets(date_from=date_from, date_to=date_to)
    actions = targets.rows("action", among=indicator_row_actions(user), user=user)
    activities = targets.rows("activity", among=indicator_row_activities(user), user=user)
    assert len(actions.ids) >= 2 and len(activities.ids) >= 2
    for language in LANGUAGES:
        with translation.override(language):
            lines = action_lines(actions, actions.ids)
            assert action_rows_html(lines) == ACTION_ROWS.render(Context({"lines": lines})), language
            lines = activity_lines(activities, activities.ids)
            assert activity_rows_html(lines) == ACTIVITY_ROWS.render(Context({"lines": lines})), language
            if language == "en":
                assert "&lt;script&gt;" in activity_rows_html(lines) and "<script>" not in activity_rows_html(lines)
                assert "&lt;b&gt;Trata&lt;/b&gt; &amp; &quot;asilo&quot; l&#x27;été" in action_rows_html(
                    action_lines(actions, actions.ids))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", ["", "year=2024&part=q2&region=asia&theme=legal", "year=abc&part=zz&region=nope"])
def test_the_period_form_renders_the_options_django_renders(language, data):
    # Given the form with its options kept per language, and the same form with Django's own selects
    with translation.override(language):
        kept = ReviewForm(QueryDict(data))
        plain = ReviewForm(QueryDict(data))
        for name in ("part", "region", "theme"):
            field = plain.fields[name]
            field.widget = forms.Select(choices=field.choices)

        # Then the same fields, values, options and errors (the markup compared as HTML: the kept options are
        # written without the line breaks of Django's template)
        assert parse_html(str(kept)) == parse_html(str(plain))


@pytest.mark.parametrize(("name", "kinds", "values"), [
    ("actions:detail", ("str",), [("2024-01",), ("a b",), ("é–x",), ("x?y#z",), ("%41",), ("~:@!$&'()*+,;=",)]),
    ("actions:activity", ("str", "int"), [("2024-01", 7), ("x y", 12345)]),
    ("events:detail", ("slug",), [("m-1",), ("round_table-2",)]),
    ("feedback:builder_detail", ("int",), [(1,), (987654320,)]),
])
def test_addresses_are_those_reverse_answers(name, kinds, values):
    address = addresses(name, *kinds)
    for args in values:
        assert address(*args) == reverse(name, args=args)


@pytest.mark.parametrize(("name", "kinds", "args"), [
    ("actions:detail", ("str",), ("",)), ("actions:detail", ("str",), ("a/b",)),
    ("events:detail", ("slug",), ("not a slug",)), ("feedback:builder_detail", ("int",), (-1,)),
])
def test_addresses_refuse_what_reverse_refuses(name, kinds, args):
    with pytest.raises(NoReverseMatch):
        reverse(name, args=args)
    with pytest.raises(NoReverseMatch):
        addresses(name, *kinds)(*args)


def test_which_rows_a_reader_sees_is_asked_once_per_statement(settings):
    # Given the targets of 2024 kept in the shared cache
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    world = build_world()
    date_from, date_to = period_bounds(2024, "year")
    officer, admin, observer = user_with_role("officer"), user_with_role("admin"), user_with_role("observer")
    for user in (officer, admin, observer):
        indicator_row_actions(user)  # their roles read once, as the page's middleware does

    def rows(user, among=None):
        targets = review_targets(date_from=date_from, date_to=date_to)
        return targets.rows("action", among=indicator_row_actions(user) if among is None else among, user=user).ids

    first, ids = count_queries(lambda: rows(officer), warm=False)

    # When another reader whose Actions are chosen by the same statement, a reader who sees one Action and an
    # observer (who sees none) read the rows
    again, same = count_queries(lambda: rows(admin), warm=False)
    one, only = count_queries(lambda: rows(officer, Action.objects.filter(pk=world["x"].pk)), warm=False)
    none, nothing = count_queries(lambda: rows(observer), warm=False)

    # Then the statement is asked once, each reader gets the rows of their own statement
    assert world["x"].pk in ids and same == ids
    assert only == [world["x"].pk]
    assert nothing == []
    assert first > 0 and (again, one, none) == (0, 1, 0)
    cache.clear()


def test_a_warm_page_reads_no_response_link_or_attendance_at_two_sizes(client, settings):
    # Given the page read once with its figures kept in the shared cache
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    world = build_world()
    client.force_login(user_with_role("officer"))
    year = {"year": "2024", "part": "year"}
    small, _ = count_queries(lambda: client.get(REVIEW, year))

    # When 60 more Actions get questionnaires and links, and the figures are computed again
    for i in range(60):
        action = Action.objects.create(code=f"2024-{300 + i}", title={"en": f"More {i}"},
                                       start_date=datetime.date(2024, 1, 1), lead_country=world["x"].lead_country)
        q = Questionnaire.objects.create(title={"en": "Feedback"}, action=action, status="open", languages=["en"])
        Invitation.objects.create(questionnaire=q, token=uuid.uuid4().hex, email=f"more{i}@example.org",
                                  created_at=at(datetime.date(2024, 2, 1)))
    cache.clear()
    client.get(REVIEW, year)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REVIEW, year)

    # Then the same number of queries, none of them over responses, answers, links or attendance
    assert "61 Actions with figures for this period" in response.content.decode()
    assert_flat(small, len(captured.captured_queries))
    read = " ".join(q["sql"] for q in captured.captured_queries)
    for table in ("feedback_response", "feedback_answer", "feedback_invitation", "events_attendance"):
        assert table not in read
    cache.clear()
