import pytest
from django.urls import reverse

from pontis.events.models import Meeting
from tests.queries import assert_flat, count_queries

from .factories import make_agenda, make_meeting

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "committee", "focal_point", "expert", "observer"]


@pytest.fixture
def public_meeting():
    meeting = make_meeting(slug="minsk", kind="panel_meeting", country="BY", is_public=True,
                           summary={"en": "Migration strategies were the focus."})
    make_agenda(meeting, sessions=2, contributions=2)
    return meeting


@pytest.fixture
def private_meeting():
    return make_meeting(slug="online", kind="online_consultation", country=None, is_public=False, region="eu_neighbourhood")


def test_anonymous_visitor_sees_the_public_list_only(client, public_meeting, private_meeting):
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert [m.slug for m in response.context["page"].object_list] == ["minsk"]


def test_anonymous_visitor_reads_a_public_agenda(client, public_meeting):
    response = client.get(reverse("events:detail", args=["minsk"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Session 1" in body and "Speaker 1-1" in body and "Ms Moderator" in body
    assert "Migration strategies were the focus." in body
    assert [len(sessions) for _day, sessions in response.context["agenda"]] == [2]
    assert 'id="history-title"' not in body


def test_anonymous_visitor_gets_404_for_a_private_meeting(client, private_meeting):
    assert client.get(reverse("events:detail", args=["online"])).status_code == 404
    assert client.get(reverse("events:detail", args=["does-not-exist"])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_both_meetings_and_the_private_page(client, make_user, role, public_meeting, private_meeting):
    client.force_login(make_user(role))
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert [m.slug for m in response.context["page"].object_list] == ["minsk", "online"]
    detail = client.get(reverse("events:detail", args=["online"]))
    assert detail.status_code == 200
    assert detail.context["may_change"] is (role in {"admin", "officer"})
    assert ('id="history-title"' in detail.content.decode()) is (role in {"admin", "officer"})


def test_filters_by_kind_year_and_region(client, officer, public_meeting, private_meeting):
    make_meeting(slug="old-conference", kind="conference", start=public_meeting.start_date.replace(year=2012))
    client.force_login(officer)
    url = reverse("events:list")

    def slugs(query):
        return [m.slug for m in client.get(url, query).context["page"].object_list]

    assert slugs({"kind": "online_consultation"}) == ["online"]
    assert slugs({"year": "2012"}) == ["old-conference"]
    assert slugs({"region": "eu_neighbourhood"}) == ["minsk", "online"]
    assert slugs({"region": "asia"}) == ["old-conference"]


def test_nonsense_filters_are_ignored_not_errors(client, public_meeting):
    response = client.get(reverse("events:list"), {"kind": "party", "year": "abc", "region": "mars", "page": "zz"})
    assert response.status_code == 200
    assert response.context["filtered"] is False
    assert response.context["page"].paginator.count == 1


def test_the_list_is_paginated(client):
    for i in range(23):
        make_meeting(slug=f"m-{i:02d}")
    first = client.get(reverse("events:list"))
    second = client.get(reverse("events:list"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3


def test_list_queries_do_not_grow_with_the_data(client, officer):
    def add_meetings(numbers):
        for i in numbers:
            meeting = make_meeting(slug=f"q-{i:02d}")
            meeting.host_countries.set([meeting.country])

    client.force_login(officer)
    add_meetings(range(3))
    small, response = count_queries(lambda: client.get(reverse("events:list")))
    assert response.status_code == 200
    add_meetings(range(3, 30))
    large, response = count_queries(lambda: client.get(reverse("events:list")))
    assert response.status_code == 200
    assert_flat(small, large)


def test_detail_queries_do_not_grow_with_the_agenda(client):
    short, long = make_meeting(slug="short"), make_meeting(slug="long")
    make_agenda(short, sessions=1, contributions=4)
    make_agenda(long, sessions=8, contributions=4)
    small, response = count_queries(lambda: client.get(reverse("events:detail", args=["short"])))
    assert response.status_code == 200
    large, response = count_queries(lambda: client.get(reverse("events:detail", args=["long"])))
    assert response.status_code == 200
    assert_flat(small, large)


def test_meetings_entry_is_in_the_navigation_for_visitors(client, public_meeting):
    response = client.get(reverse("events:list"))
    assert f'href="{reverse("events:list")}"' in response.content.decode()
    assert Meeting.objects.count() == 1
