"""core.forms.CachedSelect: filter forms' options rendered once per language and reference-data version.

Before: Django built and rendered every option of the request list's and the roster's filter forms on every page
(about 100 ms per page for 250 countries and the vocabularies).
"""

import re

import pytest
from django import forms
from django.utils import translation

from pontis.core.forms import CachedSelect
from pontis.core.models import Country
from pontis.experts.forms import RosterFilterForm
from pontis.intake.forms import FilterForm
from tests.queries import count_queries

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html):
    return OPTION.findall(html)


class PlainForm(forms.Form):  # what Django renders for the same field
    country = forms.ModelChoiceField(Country.objects.all(), required=False, to_field_name="code",
                                     empty_label="Any country")


class CachedForm(forms.Form):
    country = forms.ModelChoiceField(Country.objects.all(), required=False, to_field_name="code",
                                     empty_label="Any country", widget=CachedSelect(key="tests.cached.country"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_same_options_as_django_renders(language):
    with translation.override(language):
        for data in (None, {"country": "PE"}):
            plain = str(PlainForm(data)["country"])
            cached = str(CachedForm(data)["country"])
            assert options(cached) == options(plain)
            assert re.search(r'<select name="country" id="id_country">', cached)
    assert ("PE", " selected", "Pérou") in options(_render_fr())


def _render_fr():
    with translation.override("fr"):
        return str(CachedForm({"country": "PE"})["country"])


@pytest.mark.django_db
def test_the_second_page_reads_no_option_from_the_database():
    str(FilterForm()["country"])
    queries, html = count_queries(lambda: str(FilterForm()["country"]), warm=False)
    assert queries == 0
    assert len(options(html)) == Country.objects.count() + 1
    queries, _html = count_queries(lambda: "".join(str(b) for b in RosterFilterForm()))
    assert queries == 0


@pytest.mark.django_db
def test_a_renamed_country_shows_at_once():
    str(CachedForm()["country"])
    peru = Country.objects.get(code="PE")
    peru.name = {**peru.name, "en": "Peru (renamed)"}
    peru.save()
    with translation.override("en"):
        assert ("PE", "", "Peru (renamed)") in options(str(CachedForm()["country"]))


@pytest.mark.django_db
def test_labels_are_escaped():
    peru = Country.objects.get(code="PE")
    peru.name = {"en": "<script>x</script>"}
    peru.save()
    with translation.override("en"):
        html = str(CachedForm()["country"])
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
