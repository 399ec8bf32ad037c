"""The request lists shape their rows in Python once per row, and read the labels of a row's institutions,
countries and themes as text: the same page as the templates rendered, in the same queries at any size.

Before: each row went through two includes, ``{% url %}``, ``{% tr %}``, ``{% blocktranslate %}`` and a model instance
per institution, country and theme (92,000 Python calls for 25 rows on the stress data).
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pontis.core.models import Country, ThematicArea
from pontis.intake import selectors
from pontis.intake.models import Request
from pontis.intake.views import clock_html, request_name_html
from tests.factories import InstitutionFactory
from tests.queries import assert_flat, count_queries

LANGUAGES = ("en", "fr", "es", "pt", "ru")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_request_name_is_what_the_name_template_renders(make_request, language):
    titled = make_request("submitted")
    only_french = make_request("submitted", title={"fr": "Renforcer <la> gestion"})
    untitled_draft = make_request("draft", title={})
    untitled = make_request("submitted")
    Request.objects.filter(pk=untitled.pk).update(title={})
    untitled = Request.objects.get(pk=untitled.pk)
    with translation.override(language):
        for r in (titled, only_french, untitled_draft, untitled):
            assert request_name_html(r) == render_to_string("intake/_request_name.html", {"r": r})
        assert "&lt;la&gt;" in request_name_html(only_french)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_clock_badge_is_what_the_clock_template_renders(language):
    clocks = [{"days": None, "target": 90, "level": "", "running": False}]
    for days, level in ((3, "ok"), (70, "warn"), (1234, "danger")):
        for running in (True, False):
            clocks.append({"days": days, "target": 90, "level": level, "running": running, "remaining": 90 - days})
    with translation.override(language):
        for clock in clocks:
            assert clock_html(clock) + "\n" == render_to_string("intake/_clock.html", {"clock": clock})


@pytest.mark.django_db
@pytest.mark.parametrize("language", ("en", "fr", "ru"))
def test_the_labels_of_a_row_are_the_related_names_in_their_order(make_request, institution, language):
    r = make_request("submitted")
    no_acronym = InstitutionFactory(acronym="")
    r.institutions.add(InstitutionFactory(acronym="AAA"), no_acronym)
    r.countries.add(*Country.objects.filter(code__in=("SN", "MA")))
    r.themes.add(*ThematicArea.objects.exclude(pk__in=r.themes.all())[:2])
    with translation.override(language):
        labels = selectors.labels_of([r])[r.pk]
        assert labels["institutions"] == [i.acronym or str(i) for i in r.institutions.all()]
        assert str(no_acronym) in labels["institutions"]
        assert labels["countries"] == [str(c) for c in r.countries.all()] and len(labels["countries"]) == 3
        assert labels["themes"] == [str(t) for t in r.themes.all()] and len(labels["themes"]) == 3


@pytest.mark.django_db
def test_the_officer_list_shows_each_row_and_reads_the_same_queries_at_any_size(client, make_request, officer):
    make_request("submitted")
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert len(response.context["rows"]) == 1
    for k in range(5):
        r = make_request("forwarded" if k % 2 else "submitted")
        r.institutions.add(InstitutionFactory())
        r.countries.add(*Country.objects.filter(code__in=("SN", "MA", "TN")))
    make_request("draft")
    large, response = count_queries(lambda: client.get(reverse("intake:list")))
    rows = response.context["rows"]
    assert len(rows) == 6 and response.context["page"].paginator.count == 6
    html = response.content.decode()
    for row in rows:
        r = Request.objects.get(pk=row["request"].pk)
        assert f'<a href="{reverse("intake:detail", args=[r.pk])}">{r}</a>' in html
        assert row["countries"] == ", ".join(str(c) for c in r.countries.all())
        assert row["institutions"] == ", ".join(i.acronym or str(i) for i in r.institutions.all())
        assert row["clock"] in html
    assert_flat(small, large)


@pytest.mark.django_db
def test_a_row_names_the_action_of_an_approved_request_and_a_dash_for_what_is_missing(client, make_request, officer):
    r = make_request("submitted")
    Request.countries.through.objects.filter(request=r).delete()
    Request.themes.through.objects.filter(request=r).delete()
    client.force_login(officer)
    row = client.get(reverse("intake:list")).context["rows"][0]
    assert row["countries"] == "—" and row["themes"] == "—" and row["action_code"] == ""


@pytest.mark.django_db
def test_the_at_risk_rows_show_the_title_status_and_clock_in_the_same_queries_at_any_size(client, make_request, officer):
    def at_risk(n):
        for _ in range(n):
            make_request("submitted")
        Request.objects.update(status_changed_at=timezone.now() - datetime.timedelta(days=selectors.UNSCREENED_AFTER_DAYS + 1))

    client.force_login(officer)
    at_risk(1)
    small, response = count_queries(lambda: client.get(reverse("intake:at_risk")))
    at_risk(6)
    large, response = count_queries(lambda: client.get(reverse("intake:at_risk")))
    html = response.content.decode()
    rows = response.context["page"].object_list
    assert len(rows) == 7
    for row in rows:
        assert f'<a href="{reverse("intake:detail", args=[row["request"].pk])}">{row["request"]}</a>' in html
        assert f"<td>{row['request'].get_status_display()}</td>" in html
        assert clock_html(row["clock"]) in html
    assert_flat(small, large)
