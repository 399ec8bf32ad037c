"""``GET /api/v1/indicators``: the same figures as the page, 401/403/404/422, suppression below five."""

import pytest

from tests.factories import user_with_role

from .test_indicators_world import build_world

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators"


@pytest.fixture
def world():
    return build_world()


def test_an_officer_reads_an_activitys_figures_and_their_counts(world, api_client):
    response = api_client(user_with_role("officer")).get(URL, {"activity": world["a1"].pk})

    assert response.status_code == 200
    body = response.json()
    assert body["satisfaction_rate"] == round(5 / 7, 4)
    assert body["knowledge_gain"] == 1.4
    assert body["women_share"] == 0.375
    assert body["response_rate"] == 0.6
    assert body["ratings_by_criterion"] == {"relevance": round(27 / 7, 4)}
    assert body["suppressed"] == []
    assert body["counts"]["satisfaction_rate"] == {"count": 5, "total": 7, "respondents": 7, "suppressed": False}
    assert body["counts"]["knowledge_gain"] == {"count": 5, "total": 5, "respondents": 5, "suppressed": False}
    assert body["counts"]["women_share"] == {"count": 3, "total": 8, "respondents": 8, "suppressed": False}
    assert body["counts"]["response_rate"] == {"count": 6, "total": 10, "respondents": 10, "suppressed": False}
    assert body["counts"]["criterion:relevance"]["respondents"] == 7


def test_filters_by_action_region_theme_and_period(world, api_client):
    client = api_client(user_with_role("admin"))

    by_action = client.get(URL, {"action": world["y"].code}).json()
    by_region = client.get(URL, {"region": "west_africa"}).json()
    by_theme = client.get(URL, {"theme": "protection"}).json()
    by_period = client.get(URL, {"from": "2023-01-01", "to": "2023-12-31"}).json()

    assert by_action["counts"]["satisfaction_rate"]["total"] == 3
    assert by_region["counts"]["satisfaction_rate"]["total"] == 7
    assert by_theme["counts"]["satisfaction_rate"]["total"] == 3
    assert by_period["counts"]["satisfaction_rate"]["total"] == 3


def test_fewer_than_five_respondents_are_suppressed_except_for_an_administrator(world, api_client):
    officer = api_client(user_with_role("officer")).get(URL, {"activity": world["a2"].pk}).json()
    admin = api_client(user_with_role("admin")).get(URL, {"activity": world["a2"].pk}).json()

    assert officer["satisfaction_rate"] is None
    assert officer["ratings_by_criterion"] == {"relevance": None}
    assert officer["suppressed"] == ["satisfaction_rate", "criterion:relevance"]
    assert officer["counts"]["satisfaction_rate"] == {"count": None, "total": None, "respondents": None, "suppressed": True}
    assert admin["satisfaction_rate"] == round(2 / 3, 4)
    assert admin["suppressed"] == []


@pytest.mark.parametrize("query,field", [
    ({"region": "atlantis"}, "region"),
    ({"theme": "nothing"}, "theme"),
    ({"from": "2024-12-31", "to": "2024-01-01"}, "to"),
])
def test_bad_filters_answer_422_with_a_clear_message(world, api_client, query, field):
    response = api_client(user_with_role("officer")).get(URL, query)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"]


@pytest.mark.parametrize("query", [{"from": "2024-13-45"}, {"activity": "abc"}, {"to": "yesterday"}])
def test_malformed_values_answer_422(world, api_client, query):
    assert api_client(user_with_role("officer")).get(URL, query).status_code == 422


def test_an_activity_or_action_one_may_not_see_answers_404(world, api_client):
    observer = api_client(user_with_role("observer"))  # aggregate figures, no single Action
    officer = api_client(user_with_role("officer"))

    assert observer.get(URL).status_code == 200
    assert observer.get(URL, {"action": world["x"].code}).status_code == 404
    assert observer.get(URL, {"activity": world["a1"].pk}).status_code == 404
    assert officer.get(URL, {"action": "1999-99"}).status_code == 404
    assert officer.get(URL, {"activity": 999999}).status_code == 404


@pytest.mark.parametrize("role", ["focal_point", "expert"])
def test_partners_and_experts_are_refused(world, api_client, role):
    response = api_client(user_with_role(role)).get(URL, {"activity": world["a1"].pk})

    assert response.status_code == 403
    assert "satisfaction_rate" not in response.json()


def test_the_committee_reads_the_figures(world, api_client):
    assert api_client(user_with_role("committee")).get(URL, {"action": world["x"].code}).status_code == 200


def test_an_anonymous_caller_must_authenticate(world, client):
    assert client.get(URL).status_code == 401
