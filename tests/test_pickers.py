"""Searchable pickers (core.forms.Picker / MultiplePicker): options sorted by the name in the reader's language,
a plain ``<select>`` that works without JavaScript, institutions shown with their country, and the option list
still rendered once per language."""

import re

import pytest
from django import forms
from django.utils import translation

from pontis.accounts.forms import RoleGrantForm
from pontis.core.forms import MultiplePicker, Picker, collation_key
from pontis.core.models import Country
from pontis.experts.forms import ProfileForm, RosterFilterForm
from pontis.intake.forms import FilterForm, RequestForm
from tests.factories import InstitutionFactory
from tests.queries import count_queries

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


class CountryForm(forms.Form):
    country = forms.ModelChoiceField(Country.objects.all(), required=False, to_field_name="code",
                                     empty_label="—", widget=Picker(key="tests.pickers.country"))
    countries = forms.ModelMultipleChoiceField(Country.objects.all(), required=False, to_field_name="code",
                                               widget=MultiplePicker(key="tests.pickers.countries"))


def labels(html):
    return [label for value, _selected, label in OPTION.findall(html) if value]


def _is_sorted(names, language):
    return names == sorted(names, key=lambda n: collation_key(n, language))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["country", "countries"])
def test_countries_are_sorted_by_their_french_name(field):
    with translation.override("fr"):
        names = labels(str(CountryForm()[field]))
    assert len(names) == Country.objects.count()
    assert _is_sorted(names, "fr")
    # Accents do not count: "Égypte" sorts among the E, not after "Zimbabwe" as by code point.
    egypt, spain = names.index("Égypte"), names.index("Espagne")
    assert names.index("Danemark") < egypt < spain < names.index("Finlande")
    assert names[-1] != "Égypte"


@pytest.mark.django_db
def test_countries_are_sorted_by_their_russian_name():
    with translation.override("ru"):
        names = labels(str(CountryForm()["country"]))
    assert _is_sorted(names, "ru")
    assert names[0].startswith("А")  # Австралия / Австрия, not "Андорра" by ISO code AD or a Latin name
    # "Й" is a letter of its own after "И": Yemen comes after every country in "И".
    last_i = max(i for i, name in enumerate(names) if name.startswith("И"))
    assert names.index("Йемен") > last_i


@pytest.mark.django_db
def test_the_order_follows_the_readers_language():
    with translation.override("en"):
        english = labels(str(CountryForm()["country"]))
    with translation.override("fr"):
        french = labels(str(CountryForm()["country"]))
    assert english.index("Germany") < english.index("Spain")
    assert french.index("Allemagne") < french.index("Espagne")
    assert english[0] == "Afghanistan"
    assert french[0] == "Afghanistan" and french[1] == "Afrique du Sud"  # "South Africa" in French


def test_collation_key_ignores_case_and_accents_but_keeps_separate_letters():
    assert collation_key("Émirats", "fr")[0] == collation_key("emirats", "fr")[0]
    assert collation_key("ёлка", "ru")[0] == collation_key("елка", "ru")[0]
    assert collation_key("Йемен", "ru") > collation_key("Италия", "ru")
    assert collation_key("ñu", "es") > collation_key("nz", "es")


@pytest.mark.django_db
def test_a_picker_is_a_plain_select_that_works_without_javascript():
    with translation.override("en"):
        single = str(CountryForm({"country": "PE"})["country"])
        multiple = str(CountryForm({"countries": ["PE", "FR"]})["countries"])
    assert re.match(r'<select name="country" [^>]*data-picker', single)
    assert 'data-picker-empty="Nothing matches"' in single
    assert ("PE", " selected", "Peru") in OPTION.findall(single)
    assert OPTION.findall(single)[0][0] == ""  # the empty choice stays first
    assert re.match(r'<select name="countries" [^>]*multiple', multiple)
    assert 'size="8"' in multiple
    chosen = {value for value, selected, _label in OPTION.findall(multiple) if selected}
    assert chosen == {"PE", "FR"}
    form = CountryForm({"countries": ["PE", "FR"], "country": "PE"})
    assert form.is_valid()
    assert {c.code for c in form.cleaned_data["countries"]} == {"PE", "FR"}


@pytest.mark.django_db
def test_institutions_show_their_country_and_are_sorted():
    zed = InstitutionFactory(name={"en": "Zed Agency"}, acronym="ZA")
    alpha = InstitutionFactory(name={"en": "Alpha Office"}, acronym="AO", country=Country.objects.get(code="PE"))
    with translation.override("en"):
        html = str(RequestForm()["institutions"])
    found = {value: label for value, _s, label in OPTION.findall(html)}
    assert found[str(alpha.pk)] == "Alpha Office (AO) – Peru"
    assert found[str(zed.pk)] == "Zed Agency (ZA) – Cabo Verde"
    assert "data-picker" in html and "multiple" in html
    names = labels(html)
    assert names.index(found[str(alpha.pk)]) < names.index(found[str(zed.pk)])
    with translation.override("fr"):
        assert "Alpha Office (AO) – Pérou" in str(RoleGrantForm()["institution"])


@pytest.mark.django_db
def test_the_forms_that_pick_countries_topics_and_languages_use_pickers():
    for bound in (RequestForm()["countries"], FilterForm()["country"], ProfileForm()["nationality"],
                  ProfileForm()["topics"], ProfileForm()["countries_experience"], RosterFilterForm()["language"],
                  RosterFilterForm()["nationality"], RosterFilterForm()["topic"]):
        assert "data-picker" in str(bound), bound.name


@pytest.mark.django_db
def test_reference_pickers_render_their_options_once_per_language():
    str(FilterForm()["country"])
    queries, html = count_queries(lambda: str(FilterForm()["country"]), warm=False)
    assert queries == 0
    assert len(OPTION.findall(html)) == Country.objects.count() + 1
    with translation.override("ru"):
        russian = str(FilterForm()["country"])
        queries, again = count_queries(lambda: str(FilterForm()["country"]), warm=False)
    assert queries == 0 and again == russian
    assert _is_sorted(labels(russian), "ru")
