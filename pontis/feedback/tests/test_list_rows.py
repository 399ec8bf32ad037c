"""The questionnaire list's rows, written in Python: exactly the markup its template wrote (the row, and what the
questionnaire is about through builder__target.html) in the five languages, for every kind of target, status,
fallback title and hostile title; its filters' options are Django's own; its queries stay flat."""

import datetime

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from pontis.actions.models import FollowUp
from pontis.feedback.forms_builder import QuestionnaireFilterForm
from pontis.feedback.models import Questionnaire
from pontis.feedback.selectors.builder import questionnaire_list_rows
from pontis.feedback.services import builder
from pontis.feedback.views_builder import list_rows_html, target_html
from tests.queries import assert_flat, count_queries

from .builder_factories import blank, complete
from .test_builder_views import _activity
from .test_indicators_world import make_meeting

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]

# The rows as builder_list.html wrote them before they were built in Python.
ROWS = Template("""{% load i18n pontis %}{% for q in questionnaires %}
<tr><td><a href="{% url 'feedback:builder_detail' q.pk %}">{% tr q.title %}</a><br><span class="small">{{ q.get_purpose_display }}</span></td>
<td>{% include "feedback/builder__target.html" with q=q %}</td>
<td><span class="status{% if q.status == 'open' %} status--ok{% elif q.status == 'draft' %} status--warn{% endif %}">{{ q.get_status_display }}</span></td>
<td>{{ q.question_count }}</td><td>{{ q.version_count }}</td><td>{{ q.response_count }}</td></tr>
{% endfor %}""")  # noqa: E501


def _every_kind(officer):
    """A questionnaire about an activity (launched), an Action (a title in Spanish only, closed), a meeting, an
    outcome follow-up, and one about nothing with markup and quotes in its title."""
    activity = _activity(officer)
    launched = complete(officer, activity=activity)
    builder.questionnaire_launch(questionnaire=launched, by=officer)
    spanish = blank(officer, langs=("es",), action=activity.action)
    Questionnaire.objects.filter(pk=spanish.pk).update(status=Questionnaire.Status.CLOSED)
    blank(officer, meeting=make_meeting(activity, day=datetime.date(2024, 3, 1)))
    follow_up = FollowUp.objects.create(action=activity.action, months=6, due_on=datetime.date(2025, 1, 1))
    blank(officer, follow_up=follow_up)
    hostile = blank(officer)
    Questionnaire.objects.filter(pk=hostile.pk).update(title={"en": "<i>Rights</i> & \"asylum\" l'été"})


def test_the_rows_are_the_markup_the_template_wrote_in_every_language(officer):
    _every_kind(officer)
    questionnaires = list(questionnaire_list_rows(officer))
    questionnaires[0].response_count = 12345  # a count written with the language's thousands
    assert len(questionnaires) == 5
    for language in LANGUAGES:
        with translation.override(language):
            rows = "".join(f"\n{row}\n" for row in list_rows_html(questionnaires))
            assert rows == ROWS.render(Context({"questionnaires": questionnaires})), language
            for q in questionnaires:
                assert target_html(q) + "\n" == render_to_string("feedback/builder__target.html", {"q": q})
    with translation.override("en"):
        rows = "".join(list_rows_html(questionnaires))
    assert "&lt;i&gt;Rights&lt;/i&gt; &amp; &quot;asylum&quot; l&#x27;été" in rows and "<i>Rights" not in rows
    assert "Action 2" in rows and "follow-up after 6 months" in rows and 'class="fallback-note"' in rows


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", ["", "status=open&purpose=expert&target=meeting", "status=nope&target=x"])
def test_the_filters_render_the_options_django_renders(language, data):
    with translation.override(language):
        kept = QuestionnaireFilterForm(QueryDict(data) or None)
        plain = QuestionnaireFilterForm(QueryDict(data) or None)
        for field in plain.fields.values():
            field.widget = forms.Select(choices=field.choices)
        kept.is_valid(), plain.is_valid()
        for name in ("status", "purpose", "target"):
            assert parse_html(str(kept[name])) == parse_html(str(plain[name])), name


def test_the_page_costs_the_same_queries_with_every_kind_of_target(client, officer):
    # Given one questionnaire, then more than a page of them about every kind of target
    client.force_login(officer)
    url = reverse("feedback:builder_list")
    complete(officer)
    small, _ = count_queries(lambda: client.get(url))
    for _ in range(6):
        _every_kind(officer)

    # When the first and the second page are read
    large, response = count_queries(lambda: client.get(url))
    second, _ = count_queries(lambda: client.get(url, {"page": "2"}))

    # Then the same number of queries
    assert response.context["page"].paginator.count == 31
    assert_flat(small, large)
    assert_flat(small, second)
