"""The roster API declares its query parameters, so the OpenAPI document is complete and the schemathesis run
(tests/test_api_schemathesis.py) generates them: the period of ``/stats/experts`` and the matching weights of
``/activities/{id}/candidates`` were read from the raw query string and invisible to the document."""

import datetime

import pytest

from config.api import api
from pontis.experts.matching import DEFAULT_WEIGHTS
from pontis.experts.models import Deployment
from pontis.experts.tests.factories import make_activity, make_profile

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/experts"


def _parameters(path):
    operation = api.get_openapi_schema()["paths"][path]["get"]
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_document_declares_the_period_of_the_roster_figures_as_dates():
    parameters = _parameters(STATS)

    assert set(parameters) == {"from", "to", "region", "theme", "country"}  # the dashboard's filters
    for name in ("from", "to"):
        assert {"format": "date", "type": "string"} in parameters[name]["schema"]["anyOf"]
        assert parameters[name].get("required", False) is False


def test_the_document_declares_every_matching_weight_bounded_with_its_default():
    parameters = _parameters("/api/v1/activities/{activity_id}/candidates")

    assert set(parameters) == {f"w_{part}" for part in DEFAULT_WEIGHTS}
    for part, default in DEFAULT_WEIGHTS.items():
        schema = parameters[f"w_{part}"]["schema"]
        assert (schema["type"], schema["minimum"], schema["maximum"], schema["default"]) == ("integer", 0, 100, default)


def test_the_period_still_restricts_the_deployment_figures(api_client, observer):
    early, late = make_activity(start=datetime.date(2015, 6, 1)), make_activity(start=datetime.date(2022, 6, 1))
    for activity in (early, late):
        Deployment.objects.create(profile=make_profile(), activity=activity, start_date=activity.start_date,
                                  end_date=activity.end_date, status="completed")
    client = api_client(observer)

    assert client.get(STATS).json()["deployed"] == 2
    assert client.get(STATS, {"from": "2020-01-01"}).json()["deployed"] == 1
    assert client.get(STATS, {"to": "2020-01-01"}).json()["deployed"] == 1
    assert client.get(STATS, {"from": "2016-01-01", "to": "2020-01-01"}).json()["deployed"] == 0


def test_an_empty_period_field_means_no_period_as_before(api_client, observer):
    response = api_client(observer).get(STATS, {"from": "", "to": ""})

    assert response.status_code == 200
    assert (response.json()["from"], response.json()["to"]) == (None, None)


@pytest.mark.parametrize("query", [{"from": "yesterday"}, {"to": "2024-13-01"}, {"from": "10000-01-01"}])
def test_a_period_that_is_not_a_date_is_refused_with_422(api_client, observer, query):
    response = api_client(observer).get(STATS, query)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_period_that_ends_before_it_starts_is_refused_naming_to(api_client, observer):
    response = api_client(observer).get(STATS, {"from": "2024-02-01", "to": "2024-01-01"})

    assert response.status_code == 422
    assert response.json()["field"] == "to"


def test_the_weights_still_steer_the_score(api_client, officer):
    make_profile(topics=("border_management_policy",))
    activity = make_activity(topics=("border_management_policy",))
    url = f"/api/v1/activities/{activity.pk}/candidates"
    only_topic = {f"w_{part}": 0 for part in DEFAULT_WEIGHTS} | {"w_topic": 100}

    default = api_client(officer).get(url).json()[0]
    steered = api_client(officer).get(url, only_topic).json()[0]

    expected_default = round(100 * sum(default["parts"][k] * w for k, w in DEFAULT_WEIGHTS.items()) / sum(DEFAULT_WEIGHTS.values()), 1)
    assert default["score"] == pytest.approx(expected_default, abs=0.2)
    assert steered["score"] == pytest.approx(100 * steered["parts"]["topic"], abs=0.1)


@pytest.mark.parametrize("value", ["101", "-1", "heavy"])
def test_a_weight_out_of_its_bounds_is_refused_with_422(api_client, officer, value):
    activity = make_activity()

    response = api_client(officer).get(f"/api/v1/activities/{activity.pk}/candidates", {"w_topic": value})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
