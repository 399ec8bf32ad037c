"""The statistics API answers the registry's figures (so the dashboards' numbers), for the dashboard's readers,
with suppression for donor observers and a clear 422 for bad input."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from pontis.reports.api_stats import ACTIONS, EXPERTS, PARTICIPANTS
from pontis.reports.figures import registry
from pontis.reports.figures.filters import Filters

from .test_figures import world

pytestmark = pytest.mark.django_db
D = datetime.date
ROUTES = {"/api/v1/stats/actions": ACTIONS, "/api/v1/stats/participants": PARTICIPANTS,
          "/api/v1/stats/experts": EXPERTS}


def _registry(figures, filters, reveal):
    answer = {}
    for key, figure_id in figures.items():
        result = registry.compute(figure_id, filters, reveal=reveal)
        json = result.as_json()
        answer[key] = {} if json is None and registry.get(figure_id).kind != registry.NUMBER else json
    return answer


@pytest.mark.parametrize("url", list(ROUTES))
@pytest.mark.parametrize("query,filters", [
    ({}, Filters()),
    ({"from": "2019-01-01", "to": "2022-12-31", "region": "west_africa"},
     Filters(date_from=D(2019, 1, 1), date_to=D(2022, 12, 31), region="west_africa")),
    ({"theme": "legal", "country": "sn"}, Filters(theme="legal", country="SN")),
])
def test_the_api_equals_the_registry(api_client, officer, observer, url, query, filters):
    world()
    for user, reveal in ((officer, True), (observer, False)):
        before = timezone.now()
        response = api_client(user).get(url, query)
        assert response.status_code == 200, response.content
        data = response.json()
        assert {k: data[k] for k in ROUTES[url]} == _registry(ROUTES[url], filters, reveal)
        assert before <= datetime.datetime.fromisoformat(data["as_of"]) <= timezone.now()
        assert data["from"] == (filters.date_from.isoformat() if filters.date_from else None)
        assert data["to"] == (filters.date_to.isoformat() if filters.date_to else None)


def test_the_figures_of_the_known_facility(api_client, officer, observer):
    world()
    actions = api_client(observer).get("/api/v1/stats/actions").json()
    assert actions["total"] == 3
    assert actions["by_region"]["west_africa"] == 3 and actions["by_region"]["eu_neighbourhood"] == 1
    assert actions["by_thematic_area"]["legal"] == 2 and actions["by_thematic_area"]["protection"] == 1
    assert actions["by_year"]["2019"] == 1 and actions["by_year"]["2022"] == 1

    participants = api_client(officer).get("/api/v1/stats/participants").json()
    assert participants["total"] == 27 and participants["by_gender"] == {"women": 13, "men": 12, "other": 2}
    hidden = api_client(observer).get("/api/v1/stats/participants").json()
    assert hidden["by_gender"] == {"women": 13, "men": 12, "other": None}

    experts = api_client(officer).get("/api/v1/stats/experts").json()
    assert (experts["total"], experts["registered"], experts["deployed"], experts["deployments"]) == (4, 5, 4, 6)
    assert experts["government_experts_by_eu_member_state"] == {"FR": 1, "GB": 1, "HR": 1}
    assert experts["deployed_by_gender"] == {"female": 2, "male": 2, "other": 0, "undisclosed": 0}
    later = api_client(officer).get("/api/v1/stats/experts", {"from": "2021-01-01"}).json()
    assert later["government_experts_by_eu_member_state"] == {"FR": 1, "HR": 1}
    before = api_client(officer).get("/api/v1/stats/experts", {"to": "2013-06-30"}).json()
    assert before["government_experts_by_eu_member_state"] == {}
    observed = api_client(observer).get("/api/v1/stats/experts").json()
    assert observed["government_experts_by_eu_member_state"] == {"FR": None, "GB": None, "HR": None}
    assert observed["deployed"] == 4


@pytest.mark.parametrize("url", list(ROUTES))
@pytest.mark.parametrize("query,field", [
    ({"from": "2024-02-01", "to": "2024-01-01"}, "to"),
    ({"from": "yesterday"}, None),
    ({"to": "2024-13-01"}, None),
    ({"region": "atlantis"}, "region"),
    ({"theme": "cooking"}, "theme"),
    ({"country": "ZZ"}, "country"),
])
def test_bad_input_is_a_clear_422(api_client, officer, url, query, field):
    response = api_client(officer).get(url, query)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    if field:
        assert body["field"] == field
        assert "<" not in body["detail"] and "Traceback" not in body["detail"]


@pytest.mark.parametrize("url", ["/api/v1/stats/actions", "/api/v1/stats/participants"])
@pytest.mark.parametrize("role,status", [("officer", 200), ("admin", 200), ("observer", 200), ("committee", 200),
                                         ("focal_point", 403), ("expert", 403)])
def test_the_dashboards_readers_read_the_statistics(api_client, make_user, url, role, status):
    assert api_client(make_user(role)).get(url).status_code == status


@pytest.mark.parametrize("url", list(ROUTES))
def test_anonymous_callers_are_refused(client, url):
    assert client.get(url).status_code == 401
