"""The review page with its fixed texts written once per worker and language, its Action and activity names read
by plain statements and its rows' figures made without a figure per empty row: the whole page is the markup its
template wrote (kept as review_page_reference.html) in the five languages, with hostile titles, for every reader
who may see it, with and without rows, paged, and with an invalid period; the names and figures are those the
querysets and the figure rules answer."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import engines
from django.test.utils import ContextList
from django.urls import reverse
from django.utils import translation

from pontis.actions.models import Action, Activity
from pontis.feedback.indicators import MIN_RESPONDENTS, Figure, _figure, period_bounds, review_targets
from pontis.feedback.selectors.indicators import (
    actions_by_id,
    activities_by_id,
    indicator_row_actions,
    indicator_row_activities,
)
from pontis.feedback.views_indicators import page_texts
from tests.factories import user_with_role

from .test_indicators_world import make_action, make_activity
from .test_review_page_costs import _hostile_rows

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
REVIEW = reverse("feedback:indicators_review")
REFERENCE = engines["django"].from_string((Path(__file__).parent / "review_page_reference.html").read_text())
HOSTILE = "<script>alert('x')</script> & \"{{ q }}\" {% now %} \u202eRTL\u202c zero\u200bwidth"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


def _flat(context) -> dict:
    flat = {}
    for part in context if isinstance(context, ContextList) else [context]:
        flat.update(part.flatten())
    return flat


def _same_page(response) -> str:
    """The page as served and as the reference template renders it with the same values, CSRF tokens aside."""
    html = response.content.decode()
    reference = REFERENCE.render(_flat(response.context), request=response.wsgi_request)
    assert CSRF.sub(r"\1", html) == CSRF.sub(r"\1", reference)
    return html


def _hostile_world():
    _hostile_rows()
    action = make_action(code="2024-78")
    action.title = {"ru": HOSTILE}
    action.save()
    activity = make_activity(action, day=datetime.date(2024, 5, 2))
    activity.title = {"ar": HOSTILE + " ورشة"}
    activity.save()


@pytest.mark.parametrize("role", ["officer", "admin", "committee", "observer"])
def test_the_page_is_the_markup_its_template_wrote_in_every_language(client, role):
    # Given rows with hostile titles, and a reader who may see the review
    _hostile_world()
    user = user_with_role(role)
    client.force_login(user)
    for language in LANGUAGES:
        user.language = language
        user.save()
        with translation.override(language):
            for query in ({}, {"year": "2024", "part": "year"}, {"year": "2024", "part": "year", "action_page": "2"},
                          {"year": "2024", "part": "q2"}, {"year": "abc", "part": "zz"}, {"year": "1990"}):
                # When the page is read in the reader's language
                response = client.get(REVIEW, query, HTTP_ACCEPT_LANGUAGE=language)

                # Then it is the markup the template wrote
                assert response.status_code == 200
                html = _same_page(response)
                assert f'<html lang="{language}"' in html and "<script>alert" not in html
                if query.get("part") == "year" and role != "observer":
                    assert "&lt;b&gt;Trata&lt;/b&gt;" in html and page_texts()["by_action"] in html


def test_an_invalid_export_answers_the_page_the_template_wrote(client):
    user = user_with_role("officer")
    client.force_login(user)
    for language in LANGUAGES:
        user.language = language
        user.save()
        with translation.override(language):
            for name in ("feedback:indicators_review_xlsx", "feedback:indicators_review_pdf"):
                response = client.get(reverse(name), {"year": "abc"}, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code == 400
                assert page_texts()["title"] in _same_page(response)


def test_the_texts_are_kept_per_language():
    with translation.override("fr"):
        french = page_texts()
    with translation.override("ru"):
        russian = page_texts()
    assert french["show"] != russian["show"] and french is not russian
    with translation.override("fr"):
        assert page_texts() is french


def test_the_names_are_those_the_querysets_answer():
    _hostile_world()
    actions = list(Action.objects.values_list("pk", flat=True))
    activities = list(Activity.objects.values_list("pk", flat=True))
    assert actions_by_id(actions) == {pk: (code, title) for pk, code, title in Action.objects.values_list(
        "pk", "code", "title")}
    assert activities_by_id(activities) == {pk: (code, title) for pk, code, title in Activity.objects.values_list(
        "pk", "action__code", "title")}
    assert actions_by_id([]) == {} and activities_by_id([]) == {} and actions_by_id([987654321]) == {}


def _figure_before(value, count, total, respondents, *, reveal):
    """The figure rule as it was written: a new figure every time."""
    respondents = respondents or 0
    if respondents == 0:
        return Figure(None, 0, 0, 0)
    if respondents < MIN_RESPONDENTS and not reveal:
        return Figure(None, None, None, None, suppressed=True)
    return Figure(value, count or 0, total or 0, respondents)


@pytest.mark.parametrize("reveal", [False, True])
def test_the_figures_are_those_of_the_rule(reveal):
    for args in [(None, None, None, None), (0.5, 1, 2, 0), (0.5, 1, 2, 3), (0.75, 3, 4, 4), (0.8, 8, 10, 5),
                 (None, 0, 0, 7), (1.0, 12, 12, 12)]:
        assert _figure(*args, reveal=reveal) == _figure_before(*args, reveal=reveal), args


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_rows_figures_are_those_computed_from_the_sums(role):
    # Given the review's targets of a year with rows, some suppressed, some without a figure of a kind
    _hostile_world()
    user = user_with_role(role)
    date_from, date_to = period_bounds(2024, "year")
    targets = review_targets(date_from=date_from, date_to=date_to)
    for kind, among in (("action", indicator_row_actions(user)), ("activity", indicator_row_activities(user))):
        rows = targets.rows(kind, among=among, user=user)
        assert rows.ids
        sums = targets.sums[kind]
        for pk, row in rows.rows([*rows.ids, 987654321]).items():
            s, w, i = (sums["satisfaction"].get(pk, {}), sums["women"].get(pk, {}), sums["links"].get(pk, {}))

            def share(part, whole):
                return round(part / whole, 4) if whole else None

            # Then each figure is the rule applied to the sums, as before
            assert row.satisfaction_rate == _figure_before(
                share(s.get("satisfied", 0), s.get("total", 0)), s.get("satisfied"), s.get("total"),
                s.get("respondents"), reveal=rows.reveal)
            assert row.women_share == _figure_before(share(w.get("women", 0), w.get("total", 0)), w.get("women"),
                                                     w.get("total"), w.get("total"), reveal=rows.reveal)
            assert row.response_rate == _figure_before(
                share(i.get("answered", 0), i.get("total", 0)), i.get("answered"), i.get("total"), i.get("total"),
                reveal=rows.reveal)
