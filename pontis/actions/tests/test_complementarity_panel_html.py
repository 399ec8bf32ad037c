"""The complementarity panel is built in Python and kept a minute; it is the markup its template renders.

Before: ten Actions through the template's loops, ``{% url %}`` and ``{% tr %}`` were 11,000 Python calls, and
finding them 16,000 more, on every request page an officer opened.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from pontis.actions import selectors
from pontis.actions.models import Action
from pontis.actions.panels import COMPLEMENTARITY_LABELS, COMPLEMENTARITY_SHOWN, complementarity_html
from tests.queries import count_queries

from .factories import approved_request, make_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")


def template_markup(actions, country_ids, theme_ids):
    """What ``actions/_request_complementarity_markup.html`` renders for the Actions of the selector."""
    groups = [{"shares": key, "label": COMPLEMENTARITY_LABELS[key], "actions": [a for a in actions if a.shares == key]}
              for key in ("country_and_theme", "country", "theme")]
    panel = {"actions": actions, "groups": [g for g in groups if g["actions"]],
             "limited": len(actions) == COMPLEMENTARITY_SHOWN, "country_ids": country_ids, "theme_ids": theme_ids}
    return render_to_string("actions/_request_complementarity_markup.html", {"panel": panel})


def ranked_for(request):
    return selectors.actions_for_complementarity(countries=list(request.countries.all()),
                                                 themes=list(request.themes.all()), limit=COMPLEMENTARITY_SHOWN)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_built_panel_is_what_the_template_renders(officer, language):
    request = approved_request(countries=("PE", "CV"), themes=("legal", "mad"))
    ids = {c.pk for c in request.countries.all()}, {t.pk for t in request.themes.all()}
    with translation.override(language):
        # Nothing in common: the panel says so.
        assert complementarity_html([], country_ids=ids[0], theme_ids=ids[1]) == template_markup([], *ids)

    both = make_action(officer, countries=("PE", "SN"), themes=("legal", "protection"))
    Action.objects.filter(pk=both.pk).update(title={"en": "Border <b>management</b> & more"},
                                             start_date=datetime.date(2024, 3, 1))
    only_french = make_action(officer, countries=("CV",), themes=("protection",))
    Action.objects.filter(pk=only_french.pk).update(title={"fr": "Gestion « des frontières »"})
    make_action(officer, countries=("NE",), themes=("mad",))
    with translation.override(language):
        actions = ranked_for(request)
        assert {a.shares for a in actions} == {"country_and_theme", "country", "theme"}
        html = complementarity_html(actions, country_ids=ids[0], theme_ids=ids[1])
        assert html == template_markup(actions, *ids)
        assert "Border &lt;b&gt;management&lt;/b&gt; &amp; more" in html

    for _ in range(COMPLEMENTARITY_SHOWN):
        make_action(officer, countries=("CV",), themes=("legal",))
    with translation.override(language):
        actions = ranked_for(request)
        assert len(actions) == COMPLEMENTARITY_SHOWN  # the note on the most relevant few is shown
        assert complementarity_html(actions, country_ids=ids[0], theme_ids=ids[1]) == template_markup(actions, *ids)


def panel_of(response):
    return next(p for p in response.context["panels"] if p["template"].endswith("complementarity_panel.html"))


@pytest.mark.django_db
def test_the_panel_is_kept_a_minute_per_request_and_language_for_the_staff_only(client, officer, focal_point):
    request = approved_request(countries=("PE",), themes=("legal",), submitted_by=focal_point)
    first = make_action(officer, countries=("PE",), themes=("legal",))
    url = reverse("intake:detail", args=[request.pk])
    client.force_login(officer)
    cache.clear()
    try:
        computed, response = count_queries(lambda: client.get(url))  # not kept: read on every page
        html = panel_of(response)["html"]
        assert first.code in html and html in response.content.decode()
        with override_settings(PONTIS_COMPLEMENTARITY_CACHE_SECONDS=60):
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            kept = len(captured.captured_queries)
            assert kept < computed
            assert not [q for q in captured.captured_queries if 'FROM "actions_action' in q["sql"]]  # no Action read
            assert panel_of(response)["html"] == html and panel_of(response)["codes"] == [first.code]

            later = make_action(officer, countries=("PE",), themes=("legal",))
            assert later.code not in client.get(url).content.decode()  # until the minute is over
            client.cookies["django_language"] = "fr"
            french = panel_of(client.get(url))["html"]  # an entry of its own, read now: both Actions
            with translation.override("fr"):
                assert str(COMPLEMENTARITY_LABELS["country_and_theme"]) in french
            assert french != html and later.code in french
            client.cookies.pop("django_language")

            # The requester's focal point never gets it, kept or not.
            client.force_login(focal_point)
            response = client.get(url)
            assert response.status_code == 200
            assert not any(p["template"].endswith("complementarity_panel.html") for p in response.context["panels"])
            assert first.code not in response.content.decode()
    finally:
        cache.clear()


@pytest.mark.django_db
def test_the_actions_at_risk_are_kept_a_minute_per_language(officer):
    from pontis.actions import panels

    today = timezone.localdate()
    first = make_action(officer, requested_on=today - datetime.timedelta(days=100))
    cache.clear()
    try:
        with override_settings(PONTIS_COMPLEMENTARITY_CACHE_SECONDS=60):
            rows = panels.risk_rows(officer)
            assert [r["code"] for r in rows] == [first.code]
            assert rows[0]["label"] == str(first) and rows[0]["url"] == reverse("actions:detail", args=[first.code])
            with CaptureQueriesContext(connection) as captured:
                assert panels.risk_rows(officer) == rows
            assert captured.captured_queries == []
            with translation.override("fr"):
                french = panels.risk_rows(officer)  # read again, in French
                assert french[0]["why"] == str(selectors.actions_at_risk(limit=10)[0][1])
        make_action(officer, requested_on=today - datetime.timedelta(days=120))
        assert len(panels.risk_rows(officer)) == 2  # not kept (tests keep nothing): read each time
    finally:
        cache.clear()
