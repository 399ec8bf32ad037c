"""/api/v1/meetings: list (filters, flat query count), detail with the whole agenda, staff creation and changes
with idempotency keys, 422 naming the field."""

import datetime

import pytest
from django.core.files.base import ContentFile

from pontis.core.models import Country
from pontis.events.models import Contribution, Material, Meeting, Panel, Session
from pontis.events.services import contribution_create, note_create, session_create
from tests.queries import assert_flat, count_queries

from .test_agenda_services import make_activity
from .test_agenda_views import _meeting

pytestmark = pytest.mark.django_db


def _payload(**over):
    data = {"kind": "panel_meeting", "title": {"en": "Panel meeting", "fr": "Réunion du panel"},
            "start_date": "2030-12-07", "end_date": "2030-12-08", "city": "Minsk", "country": "BY",
            "host_countries": ["BY", "LT"], "time_zone": "Europe/Minsk", "languages": ["en", "ru"],
            "registration": "open", "capacity": 60, "speaker_deadline": "2030-12-01T18:00:00",
            "idempotency_key": "api-1"}
    data.update(over)
    return data


def _full_agenda(meeting):
    session = session_create(meeting=meeting, by=None, title={"en": "Session 1"}, day=meeting.start_date, number=1,
                             starts_at=datetime.time(9, 30), ends_at=datetime.time(11), moderator="Ms M")
    contribution_create(session=session, by=None, speaker_name="Ms A", speaker_role="Ministry",
                        country=Country.objects.get(code="LT"), title={"en": "Returns"}, speaker_email="a@example.org")
    note_create(session=session, by=None, question="How many?", asked_by="Mr B", answer="300",
                country=Country.objects.get(code="BY"))
    return session


def test_list_filters_by_kind_year_region_panel_and_activity(client, officer):
    panel = Panel.objects.create(slug="eap", name={"en": "Eastern Partnership Panel"}, access="public")
    activity = make_activity()
    minsk = _meeting(panel=panel)
    rt = _meeting(slug="dakar", kind="round_table", country=Country.objects.get(code="SN"), city="Dakar",
                  start_date=datetime.date(2031, 3, 1), end_date=datetime.date(2031, 3, 1), activity=activity)

    def slugs(**params):
        return [m["slug"] for m in client.get("/api/v1/meetings", params).json()["items"]]

    assert slugs() == [rt.slug, minsk.slug]
    assert slugs(kind="round_table") == [rt.slug]
    assert slugs(year=2030) == [minsk.slug]
    assert slugs(region=minsk.region.code) == [minsk.slug]
    assert slugs(panel="eap") == [minsk.slug]
    assert slugs(activity=activity.pk) == [rt.slug]
    assert client.get("/api/v1/meetings", {"kind": "party"}).status_code == 422


def test_list_query_count_is_flat(client):
    _meeting()
    small, response = count_queries(lambda: client.get("/api/v1/meetings"))
    assert response.status_code == 200
    for i in range(6):
        m = _meeting(slug=f"m-{i}")
        m.host_countries.set(Country.objects.filter(code__in=["BY", "LT", "PL"]))
    large, response = count_queries(lambda: client.get("/api/v1/meetings"))
    assert response.json()["count"] == 7
    assert_flat(small, large)


def test_detail_has_the_whole_agenda(client, officer, api_client):
    meeting = _meeting()
    session = _full_agenda(meeting)
    Material.objects.create(meeting=meeting, session=session, title={"en": "Slides"}, access="public",
                            file=ContentFile(b"%PDF-1.4", name="s.pdf"), content_type="application/pdf", size=8)

    data = client.get(f"/api/v1/meetings/{meeting.pk}").json()

    assert (data["time_zone"], data["host_countries"], data["status"]) == ("Europe/Minsk", ["BY", "LT"], "planned")
    [s] = data["sessions"]
    assert (s["number"], s["starts_at"], s["ends_at"], s["moderator"]) == (1, "09:30:00", "11:00:00", "Ms M")
    assert s["contributions"][0] | {"id": 0} == {"id": 0, "order": 1, "speaker_name": "Ms A", "speaker_role": "Ministry",
                                                   "country": "LT", "title": {"en": "Returns"}, "speaker_email": None}
    assert s["discussion"][0]["question"] == "How many?" and s["discussion"][0]["country"] == "BY"
    assert [m["title"] for m in data["materials"]] == [{"en": "Slides"}]
    staff = api_client(officer).get(f"/api/v1/meetings/{meeting.pk}").json()
    assert staff["sessions"][0]["contributions"][0]["speaker_email"] == "a@example.org"
    # the older name still answers
    assert client.get(f"/api/v1/events/{meeting.pk}").status_code == 200


def test_staff_create_once_with_an_idempotency_key(api_client, officer):
    client = api_client(officer)
    first = client.post("/api/v1/meetings", _payload(), content_type="application/json")
    second = client.post("/api/v1/meetings", _payload(), content_type="application/json")

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Meeting.objects.count() == 1
    meeting = Meeting.objects.get()
    assert meeting.slug == "2030-panel-meeting"
    assert sorted(meeting.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    # a time without a zone is read in the meeting's zone (Minsk, UTC+3)
    assert meeting.speaker_deadline == datetime.datetime(2030, 12, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("over,field", [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"kind": "party"}, "kind"),
    ({"country": "XX"}, "country"),
    ({"host_countries": ["BY", "QQ"]}, "host_countries"),
    ({"end_date": "2030-12-01"}, "end_date"),
    ({"activity": 999999}, "activity"),
])
def test_bad_input_is_a_422_naming_the_field(api_client, officer, over, field):
    response = api_client(officer).post("/api/v1/meetings", _payload(**over), content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == field
    assert Meeting.objects.count() == 0


def test_non_staff_cannot_create_or_change(api_client, observer, client):
    meeting = _meeting()
    reader = api_client(observer)
    assert reader.post("/api/v1/meetings", _payload(), content_type="application/json").status_code == 403
    assert reader.patch(f"/api/v1/meetings/{meeting.pk}", {"city": "Vilnius"},
                        content_type="application/json").status_code == 403
    assert reader.post(f"/api/v1/meetings/{meeting.pk}/sessions", {"title": {"en": "S"}, "day": "2030-12-07"},
                       content_type="application/json").status_code == 403
    assert client.post("/api/v1/meetings", _payload(), content_type="application/json").status_code == 401
    meeting.refresh_from_db()
    assert (Meeting.objects.count(), meeting.city, Session.objects.count()) == (1, "Minsk", 0)


def test_patch_changes_and_bumps_the_calendar_sequence(api_client, officer):
    meeting = _meeting()
    response = api_client(officer).patch(f"/api/v1/meetings/{meeting.pk}", {"city": "Vilnius", "country": "LT"},
                                         content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["country"], response.json()["ics_sequence"]) == ("Vilnius", "LT", 1)
    bad = api_client(officer).patch(f"/api/v1/meetings/{meeting.pk}", {"time_zone": "Nowhere"},
                                    content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "time_zone"
    meeting.refresh_from_db()
    assert (meeting.time_zone, meeting.ics_sequence) == ("Europe/Minsk", 1)


def test_sessions_and_contributions_over_the_api(api_client, officer):
    meeting = _meeting()
    client = api_client(officer)
    body = {"kind": "business", "title": {"en": "General business"}, "day": "2030-12-08", "starts_at": "16:00",
            "ends_at": "17:00", "idempotency_key": "s-1"}
    first = client.post(f"/api/v1/meetings/{meeting.pk}/sessions", body, content_type="application/json")
    again = client.post(f"/api/v1/meetings/{meeting.pk}/sessions", body, content_type="application/json")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert (first.json()["kind"], first.json()["starts_at"]) == ("business", "16:00:00")
    session_id = first.json()["id"]

    made = client.post(f"/api/v1/sessions/{session_id}/contributions",
                       {"speaker_name": "Ms A", "country": "LT", "title": {"en": "Next host"}},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["country"] == "LT"
    empty = client.post(f"/api/v1/sessions/{session_id}/contributions", {"speaker_name": ""},
                        content_type="application/json")
    assert empty.status_code == 422
    outside = client.post(f"/api/v1/meetings/{meeting.pk}/sessions", {"title": {"en": "S"}, "day": "2031-01-01"},
                          content_type="application/json")
    assert outside.status_code == 422 and outside.json()["field"] == "day"
    assert (Session.objects.count(), Contribution.objects.count()) == (1, 1)
    note = client.post(f"/api/v1/sessions/{session_id}/discussion", {"question": "Who hosts?", "country": "BY"},
                       content_type="application/json")
    assert note.status_code == 201 and note.json()["country"] == "BY"
