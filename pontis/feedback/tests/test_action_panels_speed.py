"""The two feedback panels of an Action's page, made cheap without changing a byte.

The questionnaires panel reads its rows in two plain statements and writes its list items in Python: the same HTML
as the template loop it replaced (kept below as the reference), in the five languages, with hostile text and
fallbacks, for the Action's and an activity's panel; the same questionnaires as ``questionnaires_for_action`` and
the same follow-ups as ``follow_ups_without_questionnaire``; no panel for readers who may not view questionnaires;
the same queries at two sizes. The figures panel keeps its HTML in the cache beside the figures: the same page as
when it is written anew, per language and per kind of reader."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pontis.actions.models import FollowUp
from pontis.core.models import ActivityType
from pontis.core.permissions import can
from pontis.feedback.indicators import Indicators
from pontis.feedback.models import Questionnaire, QuestionnaireVersion
from pontis.feedback.selectors.builder import follow_ups_without_questionnaire, questionnaires_for_action
from pontis.feedback.wiring.builder import action_questionnaires_panel, activity_questionnaires_panel
from pontis.feedback.wiring.indicators import action_indicators_panel
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import A1_DAY, build_world, make_action, make_activity

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & \"quotes\""

# feedback/builder__panel.html before its list items were written in Python.
REFERENCE_PANEL = """{% load i18n pontis %}<section class="card" aria-labelledby="fb-panel-h-{{ panel.target_name }}"><h2 id="fb-panel-h-{{ panel.target_name }}">{% translate "Feedback questionnaires" %}</h2>
{% if panel.questionnaires %}<ul>{% for q in panel.questionnaires %}<li><a href="{% url 'feedback:builder_detail' q.pk %}">{% tr q.title %}</a>
<span class="small">({{ q.get_purpose_display }} · <span class="status{% if q.status == 'open' %} status--ok{% elif q.status == 'draft' %} status--warn{% endif %}">{{ q.get_status_display }}</span>{% if q.latest_version %} · {% blocktranslate with n=q.latest_version %}version {{ n }}{% endblocktranslate %}{% endif %}{% if q.activity_id and panel.target_name == "action" %} · {{ q.activity }}{% endif %})</span></li>{% endfor %}</ul>
{% else %}<p class="muted">{% translate "No questionnaire yet." %}</p>{% endif %}
{% if panel.may_create and panel.follow_ups %}<ul>{% for f in panel.follow_ups %}<li><a href="{% url 'feedback:builder_create' %}?follow_up={{ f.pk }}">{% blocktranslate with months=f.months %}Create the questionnaire of the follow-up after {{ months }} months{% endblocktranslate %}</a></li>{% endfor %}</ul>{% endif %}
{% if panel.may_create %}<p><a class="button button--small button--secondary" href="{% url 'feedback:builder_create' %}?{{ panel.target_name }}={{ panel.target.pk }}">{% translate "Create a feedback questionnaire" %}</a></p>{% endif %}
</section>
"""  # noqa: E501


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _questionnaire(title, *, status="open", purpose="participant", versions=(), **target):
    q = Questionnaire.objects.create(title=title, status=status, purpose=purpose, languages=["en"], **target)
    for number in versions:
        QuestionnaireVersion.objects.create(questionnaire=q, number=number, questions=[])
    return q


def _world():
    action = make_action(code="2024-01")
    hostile_type = ActivityType.objects.create(code="t<&>", name={"fr": f"Type {HOSTILE}"})
    plain = make_activity(action, day=A1_DAY)
    untitled = make_activity(action, day=A1_DAY)
    untitled.title, untitled.type = {}, hostile_type
    untitled.save()
    hostile = make_activity(action, day=A1_DAY)
    hostile.title = {"es": HOSTILE}
    hostile.save()
    nameless_type = ActivityType.objects.create(code="c&<d>", name={})
    nameless = make_activity(action, day=A1_DAY)
    nameless.title, nameless.type = {}, nameless_type
    nameless.save()
    follow_ups = [FollowUp.objects.create(action=action, months=months, due_on=datetime.date(2025, 1, 1))
                  for months in (12, 6, 18)]
    _questionnaire({"en": HOSTILE, "fr": "Avis"}, versions=(1, 2), action=action)
    _questionnaire({"ru": f"Отзыв {HOSTILE}"}, status="draft", purpose="expert", activity=plain)
    _questionnaire({"en": "Closed"}, status="closed", purpose="partner", versions=(1234,), activity=untitled)
    _questionnaire({"pt": "Outro"}, purpose="other", versions=(3,), activity=hostile)
    _questionnaire({"en": "Follow-up"}, purpose="follow_up", follow_up=follow_ups[0])
    _questionnaire({"en": "No type name"}, activity=nameless)
    _questionnaire({"en": "Template"}, activity=plain, is_template=True)
    other = make_action(code="2023-02", country="TH", themes=("protection",))
    _questionnaire({"en": "Another Action's"}, action=other)
    return action, [plain, untitled, hostile, nameless]


def _reference(user, target_name, target, questionnaires, follow_ups=()):
    panel = {"target_name": target_name, "target": target, "questionnaires": questionnaires,
             "follow_ups": list(follow_ups), "may_create": can(user, "create", Questionnaire)}
    return engines["django"].from_string(REFERENCE_PANEL).render({"panel": panel})


def _written(panel):
    return render_to_string(panel["template"], {"panel": panel})


def test_the_action_panel_is_the_html_of_the_template_loop_in_every_language():
    # Given an Action with questionnaires about it, its activities and a follow-up, with hostile and untranslated text
    action, _activities = _world()
    officer = user_with_role("officer")
    for lang in LANGUAGES:
        with translation.override(lang):
            # When the panel is written, and the reference template renders the old selectors' answer
            expected = _reference(officer, "action", action, questionnaires_for_action(officer, action),
                                  follow_ups_without_questionnaire(officer, action))
            written = _written(action_questionnaires_panel(_request(officer), action))
        # Then they are the same HTML, escaped
        assert written == expected, lang
        assert "<script>" not in written and "&lt;script&gt;" in written
        if lang == "en":
            assert "version 1234" in written and "fallback-note" in written and "Type &lt;script&gt;" in written
    assert "1234" in written and "status--warn" in written and "follow_up=" in written


def test_the_activity_panel_is_the_html_of_the_template_loop_in_every_language():
    action, activities = _world()
    officer = user_with_role("officer")
    for activity in activities:
        for lang in LANGUAGES:
            with translation.override(lang):
                expected = _reference(officer, "activity", activity,
                                      list(Questionnaire.objects.filter(is_template=False, activity=activity)
                                           .annotate(latest_version=Max("versions__number"))
                                           .order_by("-created_at", "-id")))
                written = _written(activity_questionnaires_panel(_request(officer), activity))
            assert written == expected, (activity.pk, lang)


def test_an_action_without_questionnaires_shows_the_empty_panel():
    action = make_action(code="2024-01")
    admin = user_with_role("admin")
    for lang in LANGUAGES:
        with translation.override(lang):
            expected = _reference(admin, "action", action, [], [])
            assert _written(action_questionnaires_panel(_request(admin), action)) == expected


def test_the_panel_lists_the_same_questionnaires_and_follow_ups_as_the_selectors():
    action, _activities = _world()
    officer = user_with_role("officer")
    panel = action_questionnaires_panel(_request(officer), action)
    old = questionnaires_for_action(officer, action)
    assert [(pk, latest, label or "") for pk, _t, _p, _s, latest, label in panel["questionnaires"]] == [
        (q.pk, q.latest_version, str(q.activity) if q.activity_id else "") for q in old]
    assert len(old) == 6
    assert [(f["pk"], f["months"]) for f in panel["follow_ups"]] == [
        (f.pk, f.months) for f in follow_ups_without_questionnaire(officer, action)] != []
    assert [f["months"] for f in panel["follow_ups"]] == [6, 18]


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_readers_who_may_not_view_questionnaires_get_no_panel(role):
    action, _activities = _world()
    user = user_with_role(role)
    assert not can(user, "view", Questionnaire)
    assert action_questionnaires_panel(_request(user), action) is None


def test_inactive_staff_and_anonymous_visitors_get_no_panel():
    from django.contrib.auth.models import AnonymousUser

    action, _activities = _world()
    officer = user_with_role("officer")
    officer.is_active = False
    assert action_questionnaires_panel(_request(officer), action) is None
    assert action_questionnaires_panel(_request(AnonymousUser()), action) is None


def test_the_panel_costs_the_same_two_queries_at_two_sizes():
    action, activities = _world()
    officer = user_with_role("officer")
    small, _ = count_queries(lambda: action_questionnaires_panel(_request(officer), action))
    for i in range(6):
        activity = make_activity(action, day=A1_DAY)
        _questionnaire({"en": f"More {i}"}, versions=(1, 2, 3), activity=activity)
        FollowUp.objects.create(action=action, months=30 + i, due_on=datetime.date(2025, 1, 1))
    large, panel = count_queries(lambda: action_questionnaires_panel(_request(officer), action))
    assert len(panel["questionnaires"]) == 12 and len(panel["follow_ups"]) == 8
    assert_flat(small, large)
    assert small == 2


# ---------------------------------------------------------------- the figures panel


@pytest.fixture
def kept(settings):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _page(client, url, lang):
    client.cookies["django_language"] = lang
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    start = page.index('<section class="card indicators-panel"')
    return page[start:page.index("</section>", start) + len("</section>")], captured.captured_queries


@pytest.mark.parametrize("role", ["officer", "admin", "committee"])
def test_the_kept_figures_panel_is_the_panel_written_anew(client, settings, role):
    world = build_world()
    url = reverse("actions:detail", args=[world["y"].code])
    client.force_login(user_with_role(role))
    for lang in LANGUAGES:
        settings.PONTIS_FIGURES_CACHE_SECONDS = 0
        fresh, _ = _page(client, url, lang)
        settings.PONTIS_FIGURES_CACHE_SECONDS = 300
        cache.clear()
        first, _ = _page(client, url, lang)
        kept, queries = _page(client, url, lang)
        assert fresh == first == kept, (role, lang)
        assert not [q for q in queries if "feedback_answer" in q["sql"] or "feedback_response" in q["sql"]]
    cache.clear()


def test_the_kept_figures_panel_is_per_language_and_per_kind_of_reader(client, kept):
    world = build_world()
    url = reverse("actions:detail", args=[world["y"].code])
    client.force_login(user_with_role("officer"))
    officer_en, _ = _page(client, url, "en")
    officer_fr, _ = _page(client, url, "fr")
    client.force_login(user_with_role("admin"))
    admin_en, _ = _page(client, url, "en")
    assert officer_en != officer_fr
    assert "66.7 %" in admin_en and "66.7 %" not in officer_en


def test_the_figures_panel_is_not_shown_to_readers_of_no_indicators(kept):
    world = build_world()
    for role in ("focal_point", "expert"):
        user = user_with_role(role)
        assert not can(user, "view", Indicators)
        assert action_indicators_panel(_request(user), world["y"]) is None
