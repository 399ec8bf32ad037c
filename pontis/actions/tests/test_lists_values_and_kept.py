"""The Actions list reads its rows as plain values and keeps its filters' markup; the Actions needing attention are
kept a minute for every reader alike. The same HTML as before, in the five languages, with hostile text.

Before, on the stress data: the list built an Action per row and a ``{% tr %}`` and ``conditional_escape`` per cell
and rendered its filter form's widget templates on every visit (39,000 Python calls; now 28,000); the page of Actions
needing attention found and explained its Actions on every visit (41,000; now 14,000 when kept, 36,000 when not).
"""

import datetime

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from pontis.actions import forms, selectors
from pontis.actions.models import Action
from pontis.actions.views import action_rows_html, at_risk_rows_html, dates_html, detail_url_of
from pontis.core.markup import fields_once
from pontis.core.models import Region
from pontis.core.templatetags.pontis import tr
from tests.factories import user_with_role
from tests.queries import count_queries

from .factories import make_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & « Gestion » {{ x }} \u202edir"
D = datetime.date

pytestmark = pytest.mark.django_db


def _old_rows_html(user):
    """The rows as the list built them from Actions before (model instances, ``tr`` and ``conditional_escape``)."""
    actions = list(selectors.actions_listed(user))
    themes = selectors.theme_labels_of(actions)
    url, statuses = detail_url_of(), dict(Action.Status.choices)
    rows = [{"action": a, "url": url(a.code), "title": conditional_escape(tr(a.title)),
             "region": a.region or "—", "themes": "; ".join(themes[a.pk]), "dates": dates_html(a),
             "status": str(statuses.get(a.status, a.status))} for a in actions]
    return action_rows_html(rows)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_rows_from_values_are_the_rows_built_from_actions(client, officer, language):
    make_action(officer, countries=("CV", "SN"), themes=("legal", "mad"))
    hostile = make_action(officer)
    Action.objects.filter(pk=hostile.pk).update(title={"fr": HOSTILE}, start_date=D(2031, 1, 2), end_date=D(2031, 3, 4))
    russian = make_action(officer)
    Action.objects.filter(pk=russian.pk).update(title={"ru": "Семинар"}, region=Region.objects.first())
    untitled = make_action(officer)
    Action.objects.filter(pk=untitled.pk).update(title={}, region=None, status=Action.Status.ONGOING)
    client.force_login(officer)
    client.cookies["django_language"] = language
    response = client.get(reverse("actions:list"))
    html = response.content.decode()
    with translation.override(language):
        assert str(response.context["rows_html"]) == _old_rows_html(officer)
    assert len(response.context["rows"]) == 4 and "&lt;script&gt;" in html and "<script>alert" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_filter_fields_are_the_fields_the_template_renders(language):
    asked = ({}, {"status": "ongoing", "region": "asia", "q": HOSTILE, "year": "2026"}, {"year": "1066", "theme": "zz"})
    with translation.override(language):
        for data in asked:
            for _ in range(2):  # rendered and kept, then answered from what was kept
                form = forms.ActionFilterForm(RequestFactory().get("/", data).GET or None)
                form.is_valid()
                kept = fields_once(form, lambda f=form: render_to_string("actions/_list_filters.html", {"form": f}))
                fresh = forms.ActionFilterForm(RequestFactory().get("/", data).GET or None)
                fresh.is_valid()
                assert kept == render_to_string("actions/_list_filters.html", {"form": fresh})
            if "q" in data:
                assert "&lt;script&gt;" in kept and "<script>" not in kept


def _at_risk(officer, n, *, today):
    return [make_action(officer, requested_on=today - datetime.timedelta(days=100 + k)) for k in range(n)]


def test_the_rows_needing_attention_count_to_the_day_given(officer):
    today = timezone.localdate()
    action = _at_risk(officer, 1, today=today)[0]
    items = [(action, "a <reason>")]
    later = at_risk_rows_html(items, today=today + datetime.timedelta(days=10))
    assert at_risk_rows_html(items, today=today) == at_risk_rows_html(items)
    assert "Day 100 of 90" in at_risk_rows_html(items) and "Day 110 of 90" in later and "a &lt;reason&gt;" in later


@override_settings(PONTIS_COMPLEMENTARITY_CACHE_SECONDS=60, PONTIS_FIGURES_CACHE_SECONDS=60)
def test_the_actions_needing_attention_are_kept_a_minute_alike_for_every_reader(client, officer):
    cache.clear()
    today = timezone.localdate()
    _at_risk(officer, 27, today=today)
    url = reverse("actions:at_risk")
    client.force_login(officer)
    with override_settings(PONTIS_COMPLEMENTARITY_CACHE_SECONDS=0):
        fresh = client.get(url, {"page": 2}).context["rows_html"]
        client.cookies["django_language"] = "fr"
        fresh_french = client.get(url, {"page": 2}).context["rows_html"]
        client.cookies["django_language"] = "en"
    read, first = count_queries(lambda: client.get(url, {"page": 2}), warm=False)
    kept, again = count_queries(lambda: client.get(url, {"page": 2}), warm=False)
    assert first.context["rows_html"] == again.context["rows_html"] == fresh and kept < read
    assert fresh.count("<tr>") == 2
    assert len(again.context["page"].object_list) == 2 and again.context["page"].paginator.count == 27
    client.force_login(user_with_role("admin"))  # another reader allowed to see them: the same rows, kept
    assert client.get(url, {"page": 2}).context["rows_html"] == again.context["rows_html"]
    client.cookies["django_language"] = "fr"  # kept per language: the French rows, not the English ones
    french = client.get(url, {"page": 2}).context["rows_html"]
    assert french == fresh_french and french != again.context["rows_html"]
    cache.clear()


def test_nothing_is_kept_in_tests(client, officer):
    today = timezone.localdate()
    action = _at_risk(officer, 1, today=today)[0]
    client.force_login(officer)
    assert action.code in client.get(reverse("actions:at_risk")).content.decode()
    Action.objects.filter(pk=action.pk).update(launched_on=today)  # launched: no longer at risk, at once
    assert action.code not in client.get(reverse("actions:at_risk")).content.decode()
