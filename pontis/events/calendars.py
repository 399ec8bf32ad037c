"""Meetings as iCalendar (RFC 5545) files: one meeting (``/events/<slug>/calendar.ics``) or a person's feed.

What a calendar shows (docs/meetings.md, "Calendars"):

- each meeting is one **all-day event** covering its days: ``DTSTART;VALUE=DATE`` is the first day and ``DTEND``
  the day after the last (RFC 5545: the end of an all-day event is exclusive), so a three-day meeting shows on
  three days in every calendar program, whatever the reader's time zone;
- each session that has a start time is also a **timed event** in the meeting's time zone (``TZID`` = the
  meeting's ``time_zone``, with its ``VTIMEZONE``), so the agenda appears at the right hour abroad;
- UIDs never change: ``meeting-<id>@<site host>`` and ``meeting-<id>-session-<id>@<site host>``;
- ``SEQUENCE`` is the meeting's ``ics_sequence`` (bumped by the meeting services on every change a calendar
  shows) and ``DTSTAMP`` its last change, so two renders of an unchanged meeting are identical;
- a cancelled meeting keeps its events with ``STATUS:CANCELLED`` (calendar programs then strike it out).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from pontis.core.i18n import translate
from pontis.core.timezones import known_zone

from .models import Meeting

PRODID = "-//Pontis//Meetings//EN"


def site_host() -> str:
    return urlparse(getattr(settings, "PONTIS_SITE_URL", "") or "").hostname or "pontis.invalid"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{site_host()}"


def session_uid(meeting: Meeting, session) -> str:
    return f"meeting-{meeting.pk}-session-{session.pk}@{site_host()}"


def _status(meeting: Meeting) -> str:
    return "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"


def _stamp(meeting: Meeting) -> datetime.datetime:
    return (meeting.updated_at or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)


def _location(meeting: Meeting) -> str:
    parts = [meeting.city, str(meeting.country) if meeting.country_id else ""]
    return ", ".join(p for p in parts if p)


def _common(event, meeting: Meeting, url: str) -> None:
    event.add("dtstamp", _stamp(meeting))
    event.add("sequence", meeting.ics_sequence)
    event.add("status", _status(meeting))
    if url:
        event.add("url", url)
    location = _location(meeting)
    if location:
        event.add("location", location)


def _meeting_events(meeting: Meeting, zone) -> list:
    url = settings.PONTIS_SITE_URL.rstrip("/") + reverse("events:detail", args=[meeting.slug])
    title = str(translate(meeting.title)) or meeting.slug
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("summary", title)
    event.add("dtstart", meeting.start_date)
    event.add("dtend", meeting.end_date + datetime.timedelta(days=1))
    _common(event, meeting, url)
    events = [event]
    for session in meeting.sessions.all():
        if session.starts_at is None:
            continue
        start = datetime.datetime.combine(session.day, session.starts_at, tzinfo=zone)
        end = (datetime.datetime.combine(session.day, session.ends_at, tzinfo=zone) if session.ends_at
               and session.ends_at > session.starts_at else start + datetime.timedelta(hours=1))
        item = icalendar.Event()
        item.add("uid", session_uid(meeting, session))
        item.add("summary", f"{title}: {translate(session.title)}")
        item.add("dtstart", start)
        item.add("dtend", end)
        _common(item, meeting, url)
        events.append(item)
    return events


def calendar_for(meetings, *, name: str = "") -> bytes:
    """The ``.ics`` text of ``meetings`` (give them with ``sessions`` prefetched and ``country`` selected)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    zones, events = {}, []
    for meeting in meetings:
        zone_name = meeting.time_zone if known_zone(meeting.time_zone) else settings.TIME_ZONE
        zone = known_zone(zone_name)
        first, last = zones.get(zone_name, (meeting.start_date, meeting.end_date))
        zones[zone_name] = (min(first, meeting.start_date), max(last, meeting.end_date))
        events.extend(_meeting_events(meeting, zone))
    for zone_name, (first, last) in sorted(zones.items()):
        # The meeting's zone is declared even when only all-day events use it (X-WR-TIMEZONE names it too).
        vtimezone = icalendar.Timezone.from_tzinfo(known_zone(zone_name), tzid=zone_name,
                                                   first_date=first - datetime.timedelta(days=366),
                                                   last_date=last + datetime.timedelta(days=366))
        calendar.add_component(vtimezone)
    for event in events:
        calendar.add_component(event)
    if len(zones) == 1:
        calendar.add("x-wr-timezone", next(iter(zones)))
    return calendar.to_ical()
