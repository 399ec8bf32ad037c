"""Reference data shipped by migrations: counts, EU membership with dates, the countries API."""

import datetime

import pytest

from pontis.core import models
from pontis.core.reference import load_reference_data
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

EXPECTED_COUNTS = {
    models.Region: 6,
    models.Country: 249,
    models.EUMembership: 28,
    models.Instrument: 4,
    models.ThematicArea: 5,
    models.Topic: 72,
    models.AuthorityType: 11,
    models.ActivityType: 17,
    models.DeliverableType: 20,
    models.GCMObjective: 23,
    models.GoodPracticeFeature: 10,
    models.EvaluationCriterion: 7,
}


@pytest.mark.parametrize("model,count", EXPECTED_COUNTS.items(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_reference_tables_are_loaded(model, count):
    assert model.objects.count() == count


def test_loading_again_duplicates_nothing():
    before = {model: model.objects.count() for model in EXPECTED_COUNTS}

    load_reference_data()

    assert {model: model.objects.count() for model in EXPECTED_COUNTS} == before


def test_the_united_kingdom_was_a_member_until_31_january_2020():
    uk = models.Country.objects.get(code="GB")

    assert uk.was_eu_member_on(datetime.date(1973, 1, 1)) is True
    assert uk.was_eu_member_on(datetime.date(2020, 1, 31)) is True
    assert uk.was_eu_member_on(datetime.date(2020, 2, 1)) is False


def test_croatia_is_a_member_from_1_july_2013():
    croatia = models.Country.objects.get(code="HR")

    assert croatia.was_eu_member_on(datetime.date(2013, 6, 30)) is False
    assert croatia.was_eu_member_on(datetime.date(2013, 7, 1)) is True
    assert croatia.was_eu_member_on(datetime.date(2030, 1, 1)) is True


def test_twenty_seven_member_states_today():
    today = datetime.date(2025, 1, 1)
    members = [c for c in models.Country.objects.prefetch_related("eu_memberships") if c.was_eu_member_on(today)]

    assert len(members) == 27


def test_country_names_are_translated_into_the_five_ui_languages():
    peru = models.Country.objects.get(code="PE")

    assert peru.name["en"] == "Peru"
    assert peru.name["fr"] == "Pérou"
    assert peru.name["es"] == "Perú"
    assert peru.name["pt"] == "Peru"
    assert peru.name["ru"] == "Перу"


def test_the_countries_api_is_paginated(api_client, observer):
    client = api_client(observer)

    first = client.get("/api/v1/reference/countries", {"limit": 10, "offset": 0})
    second = client.get("/api/v1/reference/countries", {"limit": 10, "offset": 10})

    assert first.status_code == 200
    assert first.json()["count"] == 249
    assert len(first.json()["items"]) == 10
    assert len(second.json()["items"]) == 10
    assert {c["code"] for c in first.json()["items"]}.isdisjoint({c["code"] for c in second.json()["items"]})


def test_the_countries_api_answers_membership_today(api_client, observer):
    items = api_client(observer).get("/api/v1/reference/countries", {"limit": 200, "offset": 0}).json()["items"]
    items += api_client(observer).get("/api/v1/reference/countries", {"limit": 200, "offset": 200}).json()["items"]
    by_code = {c["code"]: c for c in items}

    assert by_code["GB"]["eu_member_now"] is False
    assert by_code["HR"]["eu_member_now"] is True
    assert by_code["PE"]["eu_member_now"] is False


def test_the_countries_api_needs_authentication(client):
    assert client.get("/api/v1/reference/countries").status_code == 401


def test_the_countries_api_answers_in_few_queries(api_client, observer):
    client = api_client(observer)
    small_count, small = count_queries(lambda: client.get("/api/v1/reference/countries", {"limit": 5}))
    large_count, large = count_queries(lambda: client.get("/api/v1/reference/countries", {"limit": 200}))

    assert len(small.json()["items"]) == 5
    assert len(large.json()["items"]) == 200
    assert_flat(small_count, large_count)
