import pytest

from tests.queries import assert_flat, count_queries

from .factories import make_agenda, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    public = make_meeting(slug="minsk", kind="panel_meeting", country="BY", is_public=True)
    make_agenda(public, sessions=2, contributions=1)
    private = make_meeting(slug="online", kind="online_consultation", country=None, is_public=False)
    return public, private


def test_anonymous_list_has_public_meetings_only(client, meetings):
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [item["slug"] for item in data["items"]] == ["minsk"]
    assert data["items"][0]["country"] == "BY"


def test_token_holder_sees_all_meetings_with_limit_and_offset(api_client, observer, meetings):
    client = api_client(observer)
    data = client.get("/api/v1/events", {"limit": 1, "offset": 1}).json()
    assert data["count"] == 2
    assert [item["slug"] for item in data["items"]] == ["online"]


def test_filter_by_kind(api_client, officer, meetings):
    data = api_client(officer).get("/api/v1/events", {"kind": "online_consultation"}).json()
    assert [item["slug"] for item in data["items"]] == ["online"]


def test_unknown_kind_is_a_422_with_a_message(client, meetings):
    response = client.get("/api/v1/events", {"kind": "party"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_detail_includes_the_agenda(client, meetings):
    public, _private = meetings
    data = client.get(f"/api/v1/events/{public.pk}").json()
    assert data["slug"] == "minsk"
    assert [s["number"] for s in data["sessions"]] == [1, 2]
    assert data["sessions"][0]["contributions"][0]["speaker_name"] == "Speaker 0-0"
    assert data["sessions"][0]["contributions"][0]["country"] == "PE"


def test_private_meeting_is_404_for_anonymous_and_200_with_a_token(client, api_client, expert_user, meetings):
    _public, private = meetings
    assert client.get(f"/api/v1/events/{private.pk}").status_code == 404
    assert api_client(expert_user).get(f"/api/v1/events/{private.pk}").status_code == 200


def test_an_invalid_token_is_refused_not_treated_as_anonymous(client, meetings):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer pnt_wrong"})
    assert response.status_code == 401


def test_list_queries_do_not_grow(client):
    for i in range(2):
        make_meeting(slug=f"api-{i}")
    small, response = count_queries(lambda: client.get("/api/v1/events"))
    assert response.json()["count"] == 2
    for i in range(2, 25):
        make_meeting(slug=f"api-{i}")
    large, response = count_queries(lambda: client.get("/api/v1/events"))
    assert response.json()["count"] == 25
    assert_flat(small, large)
