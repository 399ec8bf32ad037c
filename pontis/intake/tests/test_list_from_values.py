"""The request list reads its rows as plain values, their labels in one statement, and keeps its filters' markup:
the same HTML as the rows built from requests (and the filter fields from their template), in the five languages,
with hostile text, in other time zones.

Before, on the stress data: a model instance per row, three label querysets, ``{% tr %}``, ``day`` and the clock
per row, and the filter form's widget templates on every visit (46,000 Python calls for 25 rows; now 23,000).
"""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from pontis.core import markup
from pontis.core.models import Country, ThematicArea
from pontis.core.templatetags.dates import day
from pontis.intake import selectors
from pontis.intake.forms import FilterForm
from pontis.intake.models import Request
from pontis.intake.views import _list_rows, clock_html, list_row_html, request_name_html, request_title_text
from tests.factories import InstitutionFactory
from tests.queries import assert_flat, count_queries

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & « Gestion » {{ x }} \u202edir"

pytestmark = pytest.mark.django_db


def _old_rows(requests):
    """The rows as the list built them from requests before (``intake.views`` at issue 10, second round)."""
    labels = selectors.labels_of(requests)
    rows = []
    for r in requests:
        label = labels[r.pk]
        try:
            action_code = r.action.code if r.action else ""
        except ObjectDoesNotExist:
            action_code = ""
        row = {"url": reverse("intake:detail", args=[r.pk]), "name": request_name_html(r),
               "institutions": ", ".join(label["institutions"]), "countries": ", ".join(label["countries"]) or "—",
               "themes": ", ".join(label["themes"]) or "—", "status": selectors.status_label(r.status),
               "action_code": action_code, "submitted": day(r.submitted_at) if r.submitted_at else "—",
               "clock": clock_html(selectors.clock(r))}
        rows.append(list_row_html(row))
    return rows


@pytest.fixture
def varied(make_request):
    """Requests of every kind a row shows: titled, fallback and hostile titles, refused and withdrawn (their clock
    stops), submitted just before midnight in some zone, with several institutions, countries and themes."""
    made = [make_request(status) for status in ("submitted", "forwarded", "rejected", "withdrawn", "deferred")]
    hostile = make_request("submitted", title={"fr": HOSTILE})
    hostile.institutions.add(InstitutionFactory(acronym="<b>&</b>"), InstitutionFactory(acronym=""))
    hostile.countries.add(*Country.objects.filter(code__in=("SN", "MA", "PE")))
    hostile.themes.add(*ThematicArea.objects.exclude(pk__in=hostile.themes.all())[:2])
    late = make_request("submitted", title={"ru": "Семинар"})
    Request.objects.filter(pk=late.pk).update(
        submitted_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
    refused = made[2]
    Request.objects.filter(pk=refused.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=200), decided_at=timezone.now() - datetime.timedelta(days=50))
    return [*made, hostile, late]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ("Europe/Brussels", "America/Lima", "Asia/Bishkek"))
def test_the_rows_from_values_are_the_rows_built_from_requests(varied, officer, language, zone):
    ids = [r.pk for r in varied]
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        values = selectors.request_list_rows(officer).filter(pk__in=ids)
        new = {row["request"].pk: row["html"] for row in _list_rows(values)}
        requests = list(selectors.requests_listed(officer).filter(pk__in=ids))
        old = dict(zip([r.pk for r in requests], _old_rows(requests), strict=True))
    assert new == old and len(new) == len(varied)
    hostile = new[varied[5].pk]
    assert "&lt;script&gt;" in hostile and "<script>" not in hostile and "&lt;b&gt;&amp;&lt;/b&gt;" in hostile


def test_the_list_is_read_in_the_same_statements_whatever_the_labels(client, officer, varied):
    """The labels of a page are one statement: the list reads as many queries with one label as with many."""
    client.force_login(officer)
    small, _ = count_queries(lambda: client.get(reverse("intake:list")))
    for r in varied:
        r.countries.add(*Country.objects.filter(code__in=("TN", "SN")))
        r.institutions.add(InstitutionFactory())
    large, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert_flat(small, large)
    assert all(row["countries"] != "—" for row in response.context["rows"])


def test_labels_of_ids_answers_every_request_asked_even_without_labels(make_request):
    r = make_request("submitted")
    Request.countries.through.objects.filter(request=r).delete()
    labels = selectors.labels_of_ids([r.pk, 987654])
    assert labels[987654] == {"institutions": [], "countries": [], "themes": []}
    assert labels[r.pk]["countries"] == [] and labels[r.pk]["institutions"] and labels[r.pk]["themes"]
    assert selectors.labels_of_ids([]) == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_filter_fields_are_the_fields_the_template_renders(language):
    asked = ({}, {"status": "submitted", "country": "PE", "q": HOSTILE}, {"status": "nonsense", "country": "ZZ"})
    with translation.override(language):
        for data in asked:
            for _ in range(2):  # rendered and kept, then answered from what was kept
                form = FilterForm(RequestFactory().get("/", data).GET or None)
                form.is_valid()
                kept = markup.fields_once(
                    form, lambda f=form: render_to_string("intake/_list_filters.html", {"form": f}))
                fresh = FilterForm(RequestFactory().get("/", data).GET or None)
                fresh.is_valid()
                assert kept == render_to_string("intake/_list_filters.html", {"form": fresh})
            if "q" in data:
                assert "&lt;script&gt;" in kept and "<script>" not in kept


def test_the_kept_filter_fields_follow_a_change_of_reference_data(client, officer):
    client.force_login(officer)
    before = client.get(reverse("intake:list")).content.decode()
    peru = Country.objects.get(code="PE")
    peru.name = {**peru.name, "en": "Peru <renamed>"}
    peru.save()  # a reference-data save changes the version the kept markup is filed under
    after = client.get(reverse("intake:list")).content.decode()
    assert "Peru &lt;renamed&gt;" in after and "Peru &lt;renamed&gt;" not in before


def test_the_escape_is_conditional_escape():
    for value in (HOSTILE, "a'b\"c", 12, mark_safe("<b>kept</b>"), ""):
        assert markup.escaped(value) == conditional_escape(value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_name_title_and_clock_are_what_the_includes_rendered(make_request, varied, language):
    """The request's page writes its name (heading and title) and clock itself, as its includes wrote them."""
    untitled_draft = make_request("draft", title={})
    emptied = make_request("submitted")
    Request.objects.filter(pk=emptied.pk).update(title={"en": "", "fr": "  "})  # a title of blanks only
    with translation.override(language):
        for r in (Request.objects.get(pk=v.pk) for v in [*varied, untitled_draft, emptied]):
            assert request_title_text(r) == render_to_string("intake/_request_name.html", {"r": r, "plain": True})
            assert request_name_html(r) == render_to_string("intake/_request_name.html", {"r": r})
            clock = selectors.clock(r)
            assert clock_html(clock) + "\n" == render_to_string("intake/_clock.html", {"clock": clock})
            assert selectors.status_label(r.status) == r.get_status_display()
    assert "&lt;script&gt;" in request_title_text(Request.objects.get(pk=varied[5].pk))
