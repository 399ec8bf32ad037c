"""Panel pages per role: the list, a panel's page (delegates' names hidden from the public), host offers through the
page with their confirmation step, and a flat query count on the panel page."""

import datetime

import pytest
from django.urls import reverse

from pontis.events import services
from pontis.events.models import HostOffer, Panel
from pontis.events.tests.factories import make_meeting
from pontis.events.tests.test_panels_services import c, make_panel
from tests.factories import UserFactory, user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    panel, programme, by_user, lt_user = make_panel()
    hidden, *_ = make_panel(slug="closed-panel", access="members", members=("BY", "LT", "FR"), topics=1)
    return {"panel": panel, "hidden": hidden, "programme": programme, "topic": programme.topics.get(order=1),
            "by": by_user, "lt": lt_user, "officer": user_with_role("officer")}


def _login(client, user):
    client.force_login(user)
    return client


def test_the_public_sees_public_panels_and_countries_but_no_delegate_names(client, world):
    page = client.get(reverse("panels:list"))
    assert page.status_code == 200
    assert "Panel eap-test" in page.content.decode()
    assert "Panel closed-panel" not in page.content.decode()
    detail = client.get(reverse("panels:detail", args=["eap-test"]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert str(c("BY")) in body and str(c("PL")) in body
    assert "Belarus Delegate" not in body and "Lithuania Delegate" not in body
    assert client.get(reverse("panels:detail", args=["closed-panel"])).status_code == 404


def test_members_see_delegate_names_and_staff_see_the_tools(client, world):
    body = _login(client, UserFactory()).get(reverse("panels:detail", args=["eap-test"])).content.decode()
    assert "Belarus Delegate" in body and "Lithuania Delegate" in body
    assert reverse("panels:member_add", args=["eap-test"]) not in body
    staff = _login(client, world["officer"]).get(reverse("panels:detail", args=["eap-test"])).content.decode()
    assert reverse("panels:member_add", args=["eap-test"]) in staff
    assert reverse("panels:programme_adopt", args=["eap-test", 2017]) in staff


def test_staff_pages_refuse_others(client, world):
    _login(client, world["by"])
    assert client.get(reverse("panels:create")).status_code == 403
    response = client.post(reverse("panels:member_add", args=["eap-test"]), {"country": c("FR").pk})
    assert response.status_code == 403
    assert sorted(world["panel"].members.values_list("country__code", flat=True)) == ["BY", "LT", "PL"]


def test_staff_create_a_panel_once_even_when_submitted_twice(client, world):
    _login(client, world["officer"])
    form = {"name_en": "Budapest Process panel", "slug": "budapest", "access": "public", "idempotency_key": "k1"}
    first = client.post(reverse("panels:create"), form)
    second = client.post(reverse("panels:create"), form)
    assert first.status_code == second.status_code == 302
    assert Panel.objects.filter(slug="budapest").count() == 1


def test_a_delegate_offers_through_the_page_for_their_own_country_only(client, world):
    _login(client, world["lt"])
    url = reverse("panels:offer_create", args=["eap-test"])
    refused = client.post(url, {"topic": world["topic"].pk, "country": c("BY").pk})
    assert refused.status_code == 302
    assert HostOffer.objects.count() == 0
    client.post(url, {"topic": world["topic"].pk, "country": c("LT").pk, "note": "<b>We host</b>"})
    assert list(HostOffer.objects.values_list("country__code", "status", "note")) == [("LT", "offered", "<b>We host</b>")]
    body = client.get(reverse("panels:detail", args=["eap-test"])).content.decode()
    assert "&lt;b&gt;We host&lt;/b&gt;" in body and "<b>We host</b>" not in body


def test_an_outsider_cannot_offer(client, world):
    _login(client, UserFactory())
    response = client.post(reverse("panels:offer_create", args=["eap-test"]),
                           {"topic": world["topic"].pk, "country": c("BY").pk})
    assert response.status_code == 404
    assert HostOffer.objects.count() == 0


def test_confirming_an_offer_asks_for_confirmation_first(client, world):
    offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    _login(client, world["officer"])
    url = reverse("panels:offer_confirm", args=["eap-test", offer.pk])
    first = client.post(url)
    assert first.status_code == 200 and "Confirm the host" in first.content.decode()
    assert HostOffer.objects.get(pk=offer.pk).status == "offered"
    client.post(url, {"confirmed": "1"})
    assert HostOffer.objects.get(pk=offer.pk).status == "confirmed"
    decline = reverse("panels:offer_decline", args=["eap-test", offer.pk])
    client.post(decline, {"confirmed": "1"})
    assert HostOffer.objects.get(pk=offer.pk).status == "confirmed"  # a confirmed offer is not declined


def test_a_delegate_cannot_confirm_through_the_page(client, world):
    offer = services.host_offer_create(topic=world["topic"], country=c("BY"), by=world["by"])
    _login(client, world["by"])
    response = client.post(reverse("panels:offer_confirm", args=["eap-test", offer.pk]), {"confirmed": "1"})
    assert response.status_code == 404
    assert HostOffer.objects.get(pk=offer.pk).status == "offered"


def _grow(world, n):
    """More members, delegates, topics with offers and meetings on the panel."""
    panel = world["panel"]
    codes = ["DE", "FR", "IT", "ES", "PT", "AT", "BE", "NL"][:n]
    for code in codes:
        services.panel_member_add(panel=panel, country=c(code), by=None)
        services.delegate_add(panel=panel, by=None, country=c(code), name=f"Delegate {code}", user=UserFactory())
    programme = services.programme_create(panel=panel, by=None, year=2019 + n, topics=[{"en": f"T{i}"} for i in range(n)])
    for topic in programme.topics.all():
        for code in codes:
            offer = services.host_offer_create(topic=topic, country=c(code), by=None)
            services.host_offer_confirm(offer=offer, by=None)
    for i in range(n):
        meeting = make_meeting(kind="panel_meeting", start=datetime.date(2015, 1, 1 + i), country="GE")
        services.meeting_update(meeting=meeting, by=None, panel=panel, host_countries=[c(x).pk for x in codes[:2]])


@pytest.mark.parametrize("who", ["anonymous", "member", "officer"])
def test_the_panel_page_costs_the_same_queries_at_two_sizes(client, world, who):
    if who != "anonymous":
        _login(client, world["officer"] if who == "officer" else world["by"])
    url = reverse("panels:detail", args=["eap-test"])
    _grow(world, 2)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    _grow(world, 6)
    large, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert_flat(small, large)
