"""The panels API: the list, a panel with members, programme and confirmed hosts, and host offers by delegates."""

import pytest

from pontis.events import services
from pontis.events.models import HostOffer
from pontis.events.tests.test_panels_services import c, make_panel
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    panel, programme, by_user, lt_user = make_panel()
    make_panel(slug="closed-panel", access="members", members=("BY", "LT", "FR"), topics=1)
    topic = programme.topics.get(order=1)
    offer = services.host_offer_create(topic=topic, country=c("LT"), by=lt_user)
    services.host_offer_confirm(offer=offer, by=None)
    return {"panel": panel, "topic": topic, "by": by_user, "lt": lt_user}


def test_list_shows_the_panels_the_caller_may_see(client, world):
    data = client.get("/api/v1/panels").json()
    assert [p["slug"] for p in data["items"]] == ["eap-test"]
    assert data["items"][0]["member_count"] == 3


def test_detail_has_members_programme_and_confirmed_hosts_and_no_names_for_the_public(client, world):
    data = client.get("/api/v1/panels/eap-test").json()
    assert data["members"] == ["BY", "LT", "PL"]
    assert data["delegates"] == []
    assert data["programmes"] == []  # a draft programme is for members
    services.host_offer_create(topic=world["topic"], country=c("PL"), by=None)  # offered, not confirmed
    services.programme_adopt(programme=world["topic"].programme, by=None)
    programme = client.get("/api/v1/panels/eap-test").json()["programmes"][0]
    assert (programme["year"], programme["status"]) == (2017, "adopted")
    assert [t["order"] for t in programme["topics"]] == [1, 2]
    # the public sees the confirmed host of an adopted programme, not the pending offers
    assert programme["topics"][0]["confirmed_hosts"] == ["LT"]
    assert [o["country"] for o in programme["topics"][0]["offers"]] == ["LT"]
    client.force_login(UserFactory())
    member_view = client.get("/api/v1/panels/eap-test").json()
    assert [d["name"] for d in member_view["delegates"]] == ["Belarus Delegate", "Lithuania Delegate"]
    assert member_view["programmes"][0]["topics"][0]["confirmed_hosts"] == ["LT"]
    assert [o["country"] for o in member_view["programmes"][0]["topics"][0]["offers"]] == ["LT", "PL"]
    assert client.get("/api/v1/panels/closed-panel").status_code == 404


def test_a_delegate_offers_over_the_api_once(client, world):
    client.force_login(world["by"])
    body = {"topic": world["topic"].pk, "country": "BY", "note": "Minsk again"}
    first = client.post("/api/v1/panels/eap-test/host-offers", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["status"] == "offered"
    again = client.post("/api/v1/panels/eap-test/host-offers", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert HostOffer.objects.filter(country__code="BY").count() == 1


def test_another_countrys_delegate_and_anonymous_callers_are_refused(client, world):
    body = {"topic": world["topic"].pk, "country": "PL"}
    assert client.post("/api/v1/panels/eap-test/host-offers", body, content_type="application/json").status_code == 403
    client.force_login(world["by"])
    assert client.post("/api/v1/panels/eap-test/host-offers", body, content_type="application/json").status_code == 403
    assert sorted(HostOffer.objects.values_list("country__code", flat=True)) == ["LT"]


def test_staff_offer_for_a_member_country_and_an_unknown_country_is_422(client, world):
    client.force_login(user_with_role("officer"))
    ok = client.post("/api/v1/panels/eap-test/host-offers", {"topic": world["topic"].pk, "country": "PL"},
                     content_type="application/json")
    assert ok.status_code == 201
    bad = client.post("/api/v1/panels/eap-test/host-offers", {"topic": world["topic"].pk, "country": "FR"},
                      content_type="application/json")
    assert bad.status_code == 422
    assert sorted(HostOffer.objects.values_list("country__code", flat=True)) == ["LT", "PL"]
