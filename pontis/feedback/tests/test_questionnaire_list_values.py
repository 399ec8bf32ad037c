"""The questionnaire list read as plain values (``ListValues``): the same rows, order, counts and filters as the
questionnaires read as model instances, written as exactly the markup the list's template wrote (the reference
rows of test_list_rows) in the five languages with hostile texts; nothing for a reader who may not view
questionnaires; two queries whatever the page."""

import datetime

import pytest
from django.template import Context
from django.utils import translation

from pontis.actions.models import Activity, FollowUp
from pontis.actions.tests.factories import make_action, workshop
from pontis.core.models import ActivityType
from pontis.feedback.models import Questionnaire
from pontis.feedback.selectors.builder import (
    ListRow,
    questionnaire_list_page_rows,
    questionnaire_list_page_values,
    questionnaire_list_rows,
)
from pontis.feedback.services import builder
from pontis.feedback.views_builder import list_values_html
from tests.factories import user_with_role
from tests.queries import count_queries

from .builder_factories import blank, complete
from .test_indicators_world import make_meeting
from .test_list_rows import ROWS

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> & \"{{ q }}\" {% now %} \u202eRTL\u202c zero\u200bwidth"


def _world(officer):
    """Questionnaires about every kind of target, with hostile titles and names: an activity with a title, one
    without (named by its type), an Action whose title is written in Spanish only, a meeting, an outcome follow-up,
    and one about nothing; launched, closed and draft ones, one with responses counted."""
    action = make_action(officer)
    action.title = {"es": HOSTILE + " título"}
    action.save()
    titled = Activity.objects.create(action=action, type=workshop(), title={"en": HOSTILE, "ru": "Права «мигрантов»"})
    kind = ActivityType.objects.create(code="hostile-kind", name={"fr": HOSTILE + " atelier"})
    untitled = Activity.objects.create(action=action, type=kind, sequence=2, title={})
    launched = complete(officer, activity=titled)
    builder.questionnaire_launch(questionnaire=launched, by=officer)
    blank(officer, activity=untitled)
    spanish = blank(officer, langs=("es",), action=action)
    Questionnaire.objects.filter(pk=spanish.pk).update(status=Questionnaire.Status.CLOSED)
    meeting = make_meeting(titled, day=datetime.date(2024, 3, 1))
    meeting.title = {"pt": HOSTILE + " reunião"}
    meeting.save()
    blank(officer, meeting=meeting)
    follow_up = FollowUp.objects.create(action=action, months=1200, due_on=datetime.date(2025, 1, 1))
    blank(officer, follow_up=follow_up)
    hostile = blank(officer)
    Questionnaire.objects.filter(pk=hostile.pk).update(title={"en": HOSTILE, "ar": "استبيان"}, purpose="expert")
    return titled


FILTERS = [{}, {"status": "open"}, {"status": "closed"}, {"purpose": "expert"}, {"target": "activity"},
           {"target": "action"}, {"target": "meeting"}, {"target": "follow_up"}, {"target": "none"},
           {"status": "draft", "target": "activity"}]


def test_the_values_are_the_rows_the_template_wrote_in_every_language(officer):
    # Given questionnaires about every kind of target, with hostile texts
    titled = _world(officer)
    for filters in [*FILTERS, {"activity_id": titled.pk}]:
        # When a page is read as model instances and as values
        models = list(questionnaire_list_rows(officer, filters))
        values = questionnaire_list_page_values(officer, filters)[0:25]

        # Then the same rows, with the same counts, written as the template wrote them in every language
        assert values and [row.pk for row in values] == [q.pk for q in models], filters
        assert [(r.question_count, r.version_count, r.response_count) for r in values] == [
            (q.question_count, q.version_count, q.response_count) for q in models]
        for language in LANGUAGES:
            with translation.override(language):
                html = "".join(f"\n{row}\n" for row in list_values_html(values))
                assert html == ROWS.render(Context({"questionnaires": models})), (filters, language)
    with translation.override("en"):
        html = "".join(list_values_html(questionnaire_list_page_values(officer)[0:25]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{ q }}" in html
    assert "follow-up after 1200 months" in html and "· 2. " in html and "atelier" in html, html


def test_a_count_of_thousands_is_written_as_the_template_wrote_it(officer):
    _world(officer)
    models = list(questionnaire_list_rows(officer))
    values = [row._replace(response_count=12345) for row in questionnaire_list_page_values(officer)[0:25]]
    for q in models:
        q.response_count = 12345
    for language in LANGUAGES:
        with translation.override(language):
            html = "".join(f"\n{row}\n" for row in list_values_html(values))
            assert html == ROWS.render(Context({"questionnaires": models})), language


def test_pages_are_the_slices_of_the_rows(officer):
    _world(officer)
    everything = [q.pk for q in questionnaire_list_rows(officer)]
    values = questionnaire_list_page_values(officer)
    assert values.count() == len(values) == len(everything) == 6
    assert [r.pk for r in values[2:4]] == everything[2:4]
    assert [r.pk for r in values[4:]] == everything[4:]
    assert values[6:12] == [] and values[3:3] == []
    assert all(isinstance(row, ListRow) for row in values[0:6])
    with pytest.raises(TypeError):
        values[0]


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_a_reader_who_may_not_view_questionnaires_gets_no_row(officer, role):
    _world(officer)
    values = questionnaire_list_page_values(user_with_role(role))
    assert values.count() == 0 and values[0:25] == []
    assert questionnaire_list_page_rows(user_with_role(role)).count() == 0  # as the policy answers


def test_a_page_is_two_queries_whatever_its_rows(officer):
    _world(officer)
    for filters in FILTERS:
        values = questionnaire_list_page_values(officer, filters)
        queries, _ = count_queries(lambda values=values: (values.count(), values[0:25]))
        assert queries == 2, filters
