"""The filter fields kept by the worker (``markup.fields_once``): the review's period form and the questionnaire
list's filters are the markup Django's form templates write, in the five languages, with hostile values and
errors, the first time and when kept; what is kept depends on the language and the values shown. The list reads
its page of rows only when there is one. ``escaped`` is ``conditional_escape``; the review's shares are written
as ``shown`` writes them, its figures' table and page links as their templates wrote them."""

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from pontis.core import markup
from pontis.feedback.forms_builder import QuestionnaireFilterForm
from pontis.feedback.forms_indicators import ReviewForm
from pontis.feedback.indicators import Figure, Indicators, Row
from pontis.feedback.markup import addresses
from pontis.feedback.selectors.builder import questionnaire_list_page_rows, questionnaire_list_rows
from pontis.feedback.views_builder import filters_html
from pontis.feedback.views_indicators import (
    _shares_shown,
    figure_rows,
    figures_table_html,
    form_html,
    pages_html,
    shown,
)
from tests.queries import count_queries

from .builder_factories import complete

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>x</script>\"' & {{ x }}"

# The list's filters as builder_list.html wrote them before they were kept.
LIST_FILTERS = Template('{% for field in form %}<div class="field"><label for="{{ field.id_for_label }}">'
                        '{{ field.label }}</label>{{ field }}</div>{% endfor %}')


def _query(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


REVIEW_DATA = [None, _query(year="2024", part="q2", region="asia", theme="legal"),
               _query(year=HOSTILE, part=HOSTILE, region=HOSTILE, theme="legal")]
LIST_DATA = [None, _query(status="open", purpose="expert", target="meeting"),
             _query(status=HOSTILE, purpose="expert", target=HOSTILE)]


@pytest.fixture(autouse=True)
def _nothing_kept():
    markup._fields_html.clear()
    yield
    markup._fields_html.clear()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", REVIEW_DATA)
def test_the_period_form_is_the_markup_of_its_form_templates(language, data):
    with translation.override(language):
        expected = str(ReviewForm(data))
        assert form_html(ReviewForm(data)) == expected  # rendered
        assert form_html(ReviewForm(data)) == expected  # kept
    if data is not None and data["year"] == HOSTILE:
        assert "<script>" not in expected and "&lt;script&gt;" in expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", LIST_DATA)
def test_the_list_filters_are_the_markup_the_template_wrote(language, data):
    with translation.override(language):
        expected = LIST_FILTERS.render(Context({"form": QuestionnaireFilterForm(data)}))
        assert filters_html(QuestionnaireFilterForm(data)) == expected
        assert filters_html(QuestionnaireFilterForm(data)) == expected
    if data is not None and data["status"] == HOSTILE:
        assert "<script>" not in expected


def test_what_is_kept_depends_on_the_language_and_the_values():
    with translation.override("en"):
        english = form_html(ReviewForm(None))
        q3 = form_html(ReviewForm(_query(year="2024", part="q3")))
    with translation.override("fr"):
        french = form_html(ReviewForm(None))
    assert english != french and english != q3
    assert 'value="q3" selected' in q3 and 'value="q3" selected' not in english
    assert len(markup._fields_html) == 3


def test_at_most_so_many_fields_are_kept(monkeypatch):
    monkeypatch.setattr(markup, "FIELDS_KEPT", 2)
    for year in ("2021", "2022", "2023"):
        form_html(ReviewForm(_query(year=year, part="year")))
    assert len(markup._fields_html) == 2


def test_the_list_reads_its_rows_only_for_a_page_with_rows(officer):
    # Given no questionnaire
    empty, rows = count_queries(lambda: list(questionnaire_list_page_rows(officer)[0:0]))
    assert empty == 0 and rows == []
    assert questionnaire_list_page_rows(officer).count() == 0

    # Given some: the same rows as the queryset, a page at a time
    for _ in range(3):
        complete(officer)
    page = questionnaire_list_page_rows(officer)[0:2]
    expected = list(questionnaire_list_rows(officer)[0:2])
    assert [(q.pk, q.question_count, q.version_count, q.response_count) for q in page] == [
        (q.pk, q.question_count, q.version_count, q.response_count) for q in expected]
    assert questionnaire_list_page_rows(officer).count() == 3


def test_the_empty_list_and_review_pages_open(client, officer):
    client.force_login(officer)
    response = client.get(reverse("feedback:builder_list"), {"page": "7", "status": HOSTILE})
    assert response.status_code == 200 and b"<script>x" not in response.content
    response = client.get(reverse("feedback:indicators_review"), {"year": HOSTILE})
    assert response.status_code == 200 and b"<script>x" not in response.content


@pytest.mark.parametrize("value", [HOSTILE, "l'été & <b>", "", "plain", 12345, 3.5, None, mark_safe("<b>safe</b>"),
                                   "\u202e\u200b\x00 «мероприятие»"])
def test_escaped_is_conditional_escape(value):
    assert markup.escaped(value) == conditional_escape(value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shares_of_a_table_are_written_as_shown_writes_them(language):
    values = [None, 0.0, 1.0, 0.5, 1 / 3, 2 / 3, 0.0004, 0.0005, 0.9995, 0.12345, 0.999949, 0.05]
    values += [i / 997 for i in range(998)]
    figures = [None] + [Figure(v, 1, 2, 3, suppressed=False) for v in values] + [Figure(0.5, 1, 2, 3, suppressed=True)]
    with translation.override(language):
        write = _shares_shown()
        for figure in figures:
            row = Row(pk=1, satisfaction_rate=figure, women_share=figure, response_rate=figure)
            expected = shown(figure, share=True)
            assert write(row)["satisfaction"] == expected
            assert write(row)["women"] == expected  # kept


@pytest.mark.parametrize("code", ["2024-01", "a.b~c_d-e", "A.Z", "ü", "a b", "x%y", "..", "-", "Ⅻ", "٣"])
def test_addresses_left_unquoted_are_those_reverse_answers(code):
    assert addresses("actions:detail", "str")(code) == reverse("actions:detail", args=[code])
    assert addresses("actions:activity", "str", "int")(code, 12) == reverse("actions:activity", args=[code, 12])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_figures_table_is_the_markup_its_template_wrote(language):
    def figure(value, suppressed=False):
        return Figure(value, 3, 7, 6, suppressed=suppressed)

    current = Indicators(satisfaction_rate=figure(0.5), knowledge_gain=figure(1.25), women_share=figure(None),
                         response_rate=figure(0.2, suppressed=True),
                         ratings_by_criterion={"relevance": figure(4.5), "hostile": figure(3.0, suppressed=True)})
    previous = Indicators(satisfaction_rate=figure(0.25), knowledge_gain=figure(None), women_share=figure(0.75),
                          response_rate=figure(0.1), ratings_by_criterion={"relevance": figure(2.0)})
    labels = {"relevance": "Relevance", "hostile": HOSTILE}
    with translation.override(language):
        for rows in (figure_rows(current, previous, labels), figure_rows(current, None, labels), []):
            html = figures_table_html(rows)
            assert html == render_to_string("feedback/indicators_table.html", {"figures": rows})
            if rows:
                assert "<script>" not in html and "&lt;script&gt;" in html and '<span class="tag">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_links_are_the_markup_their_template_wrote(language):
    with translation.override(language):
        label = gettext("Pages of Actions") + " <&>"
        for count, number in ((0, 1), (25, 1), (26, 1), (26, 2), (30000, 1), (30000, 700), (30000, 1200)):
            page = Paginator(range(count), 25).get_page(number)
            for query in ("", "year=2024&part=q2", 'region="><script>'):
                html = pages_html(page, query=query, param="action_page", anchor="by-action", label=label)
                assert html == render_to_string("feedback/review__pagination.html", {
                    "page": page, "query": query, "param": "action_page", "anchor": "by-action",
                    "label": conditional_escape(label)}), (count, number, query)
                assert "<script>" not in html
