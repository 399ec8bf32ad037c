"""Calendar files, parsed back with ``icalendar``: time zones, stable UIDs, SEQUENCE, cancellations, multi-day
meetings, who may download which meeting, and personal feeds behind revocable tokens."""

import datetime

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse

from pontis.core.errors import NotAllowed
from pontis.core.models import Country
from pontis.events import services
from pontis.events.models import CalendarFeed, Meeting, Registration, Session
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield


def _meeting(*, days=3, access="public", time_zone="Europe/Minsk", **extra):
    meeting = make_meeting(held=False, start=datetime.date(2030, 12, 6), days=days, is_public=True)
    Meeting.objects.filter(pk=meeting.pk).update(access=access, time_zone=time_zone, **extra)
    meeting.refresh_from_db()
    return meeting


def _events(body: bytes):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, [c for c in calendar.walk("VEVENT")]


def _get(client, meeting):
    return client.get(reverse("events:calendar_meeting", args=[meeting.slug]))


def test_a_multi_day_meeting_is_an_all_day_event_ending_the_day_after(client):
    meeting = _meeting(days=3)

    response = _get(client, meeting)
    calendar, events = _events(response.content)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events) == 1
    assert events[0].decoded("dtstart") == datetime.date(2030, 12, 6)
    assert events[0].decoded("dtend") == datetime.date(2030, 12, 9)  # exclusive: the last day is 8 December
    assert str(events[0]["status"]) == "CONFIRMED"
    assert str(calendar["x-wr-timezone"]) == "Europe/Minsk"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Minsk"]


def test_sessions_with_times_are_timed_events_in_the_meetings_zone(client):
    meeting = _meeting(days=2)
    Session.objects.create(meeting=meeting, order=1, title={"en": "Opening"}, day=meeting.start_date,
                           starts_at=datetime.time(9, 30), ends_at=datetime.time(11, 0))
    Session.objects.create(meeting=meeting, order=2, title={"en": "Untimed"}, day=meeting.start_date)

    _calendar, events = _events(_get(client, meeting).content)

    timed = [e for e in events if "session" in str(e["uid"])]
    assert len(timed) == 1
    start = timed[0]["dtstart"]
    assert start.params["TZID"] == "Europe/Minsk"
    assert start.dt == datetime.datetime(2030, 12, 6, 9, 30, tzinfo=start.dt.tzinfo)
    assert start.dt.utcoffset() == datetime.timedelta(hours=3)
    assert timed[0].decoded("dtend").hour == 11
    assert "TZID=Europe/Minsk" in _get(client, meeting).content.decode()


def test_the_uid_is_stable_and_the_sequence_follows_changes(client, officer):
    meeting = _meeting()

    _c, first = _events(_get(client, meeting).content)
    _c, second = _events(_get(client, meeting).content)
    services.meeting_update(meeting=meeting, by=officer, city="Vilnius")
    _c, third = _events(_get(client, meeting).content)

    assert str(first[0]["uid"]) == str(second[0]["uid"]) == str(third[0]["uid"]) == f"meeting-{meeting.pk}@127.0.0.1"
    assert first[0]["sequence"] == second[0]["sequence"] == 0
    assert third[0]["sequence"] == 1
    assert "Vilnius" in str(third[0]["location"])


def test_two_renders_of_an_unchanged_meeting_are_identical(client):
    meeting = _meeting()

    assert _get(client, meeting).content == _get(client, meeting).content


def test_a_cancelled_meeting_says_cancelled(client, officer):
    meeting = _meeting()

    services.meeting_cancel(meeting=meeting, by=officer, reason="Venue unavailable")
    _c, events = _events(_get(client, meeting).content)

    assert str(events[0]["status"]) == "CANCELLED"
    assert events[0]["sequence"] >= 1


def test_a_members_meeting_calendar_is_refused_to_anonymous_visitors(client):
    meeting = _meeting(access="members")

    assert _get(client, meeting).status_code == 404
    client.force_login(user_with_role("focal_point"))
    assert _get(client, meeting).status_code == 200


# ---------------------------------------------------------------- personal feeds


def _register(meeting, user, status="approved"):
    registration, _ = services.registration_request(
        meeting=meeting, by=user, name="Person", email=user.email, gender="woman", institution_name="Ministry",
        country=Country.objects.get(code="BY"))
    Registration.objects.filter(pk=registration.pk).update(status=status)
    return registration


def test_a_feed_lists_the_meetings_the_person_is_registered_for_and_may_see(client):
    person = user_with_role("focal_point")
    mine = _meeting()
    Meeting.objects.filter(pk=mine.pk).update(registration="open")
    other = _meeting()
    withdrawn = _meeting()
    Meeting.objects.filter(pk__in=[other.pk, withdrawn.pk]).update(registration="open")
    _register(mine, person)
    _register(withdrawn, person, status="withdrawn")
    feed = services.calendar_feed_create(by=person)

    response = client.get(reverse("events:calendar_feed", args=[feed.token]))
    _c, events = _events(response.content)

    assert response.status_code == 200
    assert [str(e["uid"]) for e in events] == [f"meeting-{mine.pk}@127.0.0.1"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_feed_answers_404(client):
    person = user_with_role("focal_point")
    feed = services.calendar_feed_create(by=person)

    services.calendar_feed_revoke(feed=feed, by=person)

    assert client.get(reverse("events:calendar_feed", args=[feed.token])).status_code == 404
    assert client.get(reverse("events:calendar_feed", args=["not-a-token"])).status_code == 404


def test_only_the_owner_revokes_a_feed():
    person = user_with_role("focal_point")
    feed = services.calendar_feed_create(by=person)

    with pytest.raises(NotAllowed):
        services.calendar_feed_revoke(feed=feed, by=user_with_role("officer"))

    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None


def test_the_feeds_page_creates_and_revokes_with_confirmation(client):
    person = user_with_role("focal_point")
    client.force_login(person)

    client.post(reverse("events:calendar_feeds"))
    feed = CalendarFeed.objects.get(user=person)
    page = client.get(reverse("events:calendar_feeds")).content.decode()
    first = client.post(reverse("events:calendar_feed_revoke", args=[feed.pk]))
    unchanged = CalendarFeed.objects.get(pk=feed.pk).revoked_at
    client.post(reverse("events:calendar_feed_revoke", args=[feed.pk]), {"confirmed": "1"})

    assert feed.token in page
    assert first.status_code == 200 and unchanged is None
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None


def test_nobody_revokes_anothers_feed_through_the_page(client):
    owner = user_with_role("focal_point")
    feed = services.calendar_feed_create(by=owner)
    client.force_login(user_with_role("focal_point"))

    response = client.post(reverse("events:calendar_feed_revoke", args=[feed.pk]), {"confirmed": "1"})

    assert response.status_code == 404
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is None


def test_the_feeds_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("events:calendar_feeds"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_feed_of_a_deactivated_person_answers_404(client):
    person = user_with_role("focal_point")
    feed = services.calendar_feed_create(by=person)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert client.get(reverse("events:calendar_feed", args=[feed.token])).status_code == 404


