"""Reads of registration and attendance: the staff list, a person's own registration, the attendance sheet and
the disaggregated figures (per day, and totals by gender, institution, country and role).

Figures count people (distinct registrations), not check-ins: someone present on three days counts once in the
totals and once on each day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.core.permissions import visible_to
from pontis.core.roles import is_staff

from ..models import Attendance, CalendarFeed, Meeting, MeetingInvitation, Registration
from ..protection import meeting_q

Status = Registration.Status


def _may_register_q(user, registration_ids) -> Q:
    """The meetings one may see, and those restricted to their registered participants (the form is how one
    becomes one). An empty ``meeting_q`` (staff: everything) stays empty: ``Q() | x`` would be ``x`` alone."""
    visible = meeting_q(user, registration_ids)
    return visible | Q(access="registered") if visible else visible


def meeting_for_registration(user, slug: str, registration_ids=()) -> Meeting:
    """The meeting whose registration form this visitor may open: one they may see, or one restricted to its
    registered participants (the form is how one becomes one). 404 otherwise, or without registration."""
    meeting = (Meeting.objects.filter(_may_register_q(user, registration_ids), slug=slug)
               .exclude(registration=Meeting.Registration.NONE).first())
    if meeting is None:
        raise Http404
    return meeting


def meeting_by_id_for_registration(user, pk: int, registration_ids=()) -> Meeting:
    """As ``meeting_for_registration``, by id (the API)."""
    meeting = (Meeting.objects.filter(_may_register_q(user, registration_ids), pk=pk)
               .exclude(registration=Meeting.Registration.NONE).first())
    if meeting is None:
        raise Http404
    return meeting


def meeting_by_id_for_staff(user, pk: int) -> Meeting:
    meeting = Meeting.objects.filter(meeting_q(user), pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def registration_by_id(user, pk: int) -> Registration:
    """A registration ``user`` may see (with its country and attendance), or 404."""
    registration = (visible_to(user, Registration).filter(pk=pk).select_related("meeting", "country")
                    .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.order_by("day"))).first())
    if registration is None:
        raise Http404
    return registration


def country_by_code(code: str) -> Country | None:
    return Country.objects.filter(code=(code or "").strip().upper()).first()


def meeting_for_staff(user, slug: str, *, with_activity: bool = True) -> Meeting:
    """A meeting for its staff pages (404 for a meeting that does not exist; the view declares staff access), with
    its activity read in the same query unless ``with_activity`` is False (a page that shows only whether there is
    one)."""
    meeting = Meeting.objects.filter(meeting_q(user), slug=slug)
    meeting = (meeting.select_related("activity") if with_activity else meeting).first()
    if meeting is None:
        raise Http404
    return meeting


def registration_by_token(token: str) -> Registration:
    """The registration of a personal link, or 404."""
    registration = (Registration.objects.select_related("meeting", "country").filter(token=str(token or "")[:64])
                    .first() if token else None)
    if registration is None:
        raise Http404
    return registration


def invitation_by_token(token: str):
    invitation = (MeetingInvitation.objects.select_related("meeting", "institution")
                  .filter(token=str(token or "")[:64]).first() if token else None)
    if invitation is None:
        raise Http404
    return invitation


def registration_for_email(meeting: Meeting, email: str) -> Registration | None:
    return Registration.objects.filter(meeting=meeting, email=(email or "").strip().lower()).first()


def registration_in_meeting(meeting: Meeting, pk) -> Registration | None:
    """The registration ``pk`` if it belongs to ``meeting`` (a browser's remembered registration), else None."""
    return Registration.objects.filter(meeting=meeting, pk=pk).first()


def registration_for_user(meeting: Meeting, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (Registration.objects.filter(meeting=meeting)
            .filter(Q(user=user) | Q(email__iexact=user.email or "-")).order_by("requested_at").first())


def registrations_for(user, meeting: Meeting, *, status: str = ""):
    """The meeting's registrations ``user`` may see (staff: all), oldest request first, optionally one status,
    with country and this meeting's attendance prefetched (a flat number of queries). The institution is shown by
    the name the person gave, so the institutions table is not joined."""
    queryset = (visible_to(user, Registration).filter(meeting=meeting).select_related("country")
                .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.order_by("day"))))
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_at", "id")


# What a row of the staff's list shows: read as values (no model instance, no prefetch per page), the country's
# name and code with them, and the page's days present in one more read (``registration_rows``).
_ROW_FIELDS = ("pk", "name", "email", "position", "institution_name", "gender", "status", "country__name",
               "country__code")


@dataclass(slots=True)
class RegistrationRow:
    """One row of the staff's list of registrations: ``country`` as ``str(registration.country)`` gives it and
    ``days`` the days present, in order."""

    pk: int
    name: str
    email: str
    position: str
    institution_name: str
    gender: str
    status: str
    country: str
    days: list


def registration_values_for(user, meeting: Meeting, *, status: str = ""):
    """``registrations_for`` as the values a row of the staff's list shows (to page; ``registration_rows`` makes
    the page's rows)."""
    queryset = visible_to(user, Registration).filter(meeting=meeting)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_at", "id").values_list(*_ROW_FIELDS)


def registration_rows(values) -> list[RegistrationRow]:
    """The rows of a page of ``registration_values_for``, each with its days present (one query for the page)."""
    values = list(values)
    days: dict[int, list] = {row[0]: [] for row in values}
    if days:
        for registration_id, day in (Attendance.objects.filter(registration_id__in=list(days)).order_by("day")
                                     .values_list("registration_id", "day")):
            days[registration_id].append(day)
    countries: dict[str, str] = {}  # str(country) by code: a page's people come from a few countries
    rows = []
    for pk, name, email, position, institution, gender, status, country_name, country_code in values:
        country = countries.get(country_code)
        if country is None:
            country = countries[country_code] = str(translate(country_name) or country_code)
        rows.append(RegistrationRow(pk, name, email, position, institution, gender, status, country, days[pk]))
    return rows


def registration_counts(meeting: Meeting) -> dict:
    """How many registrations of each status (every status present, 0 included) and ``total``."""
    counts = dict.fromkeys(Status.values, 0)
    for row in Registration.objects.filter(meeting=meeting).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in Status.values)
    return counts


def registrations_by_ids(user, meeting: Meeting, ids) -> list[Registration]:
    clean = [int(i) for i in ids if str(i).isdigit()][:1000]
    return list(visible_to(user, Registration).filter(meeting=meeting, pk__in=clean).select_related("meeting"))


def registration_get(user, meeting: Meeting, pk) -> Registration:
    if not str(pk).isdigit():
        raise Http404
    registration = visible_to(user, Registration).filter(meeting=meeting, pk=pk).select_related("meeting").first()
    if registration is None:
        raise Http404
    return registration


def attendance_get(user, meeting: Meeting, pk) -> Attendance:
    attendance = (visible_to(user, Attendance).filter(registration__meeting=meeting, pk=pk)
                  .select_related("registration__meeting").first())
    if attendance is None:
        raise Http404
    return attendance


def meeting_days(meeting: Meeting) -> list[datetime.date]:
    return [meeting.start_date + datetime.timedelta(days=n) for n in range(meeting.days())]


def attendance_sheet(meeting: Meeting, day: datetime.date):
    """Everyone registered (approved first), each with ``present`` (the Attendance of ``day`` or None)."""
    present = Attendance.objects.filter(registration=OuterRef("pk"), day=day)
    rows = (Registration.objects.filter(meeting=meeting)
            .exclude(status__in=[Status.REJECTED, Status.WITHDRAWN])
            .select_related("country").annotate(is_present=Exists(present))
            .prefetch_related(Prefetch("attendance", queryset=Attendance.objects.filter(day=day), to_attr="today"))
            .order_by("name", "id"))
    return rows


def attendance_figures(meeting: Meeting) -> tuple[dict, list[dict]]:
    """``(attendance_totals(meeting), attendance_per_day(meeting))`` from one read of the meeting's check-ins.

    The read walks the meeting's registrations and, through the (registration, day) index, their check-ins: it
    never scans the whole attendance table, and it returns at most one row per person and day."""
    rows = (Attendance.objects.filter(registration__meeting=meeting)
            .values_list("registration_id", "day", "registration__gender", "registration__institution_name",
                         "registration__country", "registration__position").order_by())
    people = {}
    per_gender_and_day = {}
    for registration_id, day, gender, institution, country, position in rows:
        people[registration_id] = (gender, institution, country, position)
        day_counts = per_gender_and_day.setdefault(day, {})
        day_counts[gender] = day_counts.get(gender, 0) + 1
    return _totals(people.values(), meeting), _per_day(meeting, per_gender_and_day)


def attendance_totals(meeting: Meeting) -> dict:
    """People present on at least one day, by gender, institution, country and role; ``total`` too.

    ``by_gender`` maps every gender code to a count (0 included); the others are ``[(label, count), ...]``,
    largest first then alphabetical."""
    return attendance_figures(meeting)[0]


def _totals(people, meeting: Meeting) -> dict:
    """The totals of ``attendance_totals`` from ``(gender, institution name, country id, role)``, one per person of
    ``meeting``."""
    by_gender = dict.fromkeys(Registration.Gender.values, 0)
    counters = ({}, {}, {})
    for gender, *fields in people:
        by_gender[gender] = by_gender.get(gender, 0) + 1
        for counter, value in zip(counters, fields, strict=True):
            counter[value] = counter.get(value, 0) + 1

    def grouped(counter):
        return sorted(((value or "", n) for value, n in counter.items()), key=lambda item: (-item[1], item[0]))

    by_institution, by_country, by_role = counters
    return {
        "total": sum(by_gender.values()),
        "by_gender": by_gender,
        "by_institution": grouped(by_institution),
        "by_country": _countries(grouped(by_country), meeting),
        "by_role": grouped(by_role),
    }


def _countries(rows, meeting: Meeting) -> list[tuple[str, int]]:
    """``rows`` of ``(country id, count)`` of ``meeting``'s people as ``(country's name, count)``; the names as
    ``str(country)`` gives them, read as values (no model instance per country). The countries are those of the
    meeting's registrations (a subquery, a few more than those present at most): a hundred ids written into the
    statement one by one cost more than the read."""
    found = ()
    if any(pk for pk, _n in rows):
        countries = Registration.objects.filter(meeting=meeting).values("country_id")
        found = Country.objects.filter(pk__in=countries).values_list("pk", "name", "code").order_by()
    names = {pk: translate(name) or code for pk, name, code in found}
    return sorted(((str(names[pk]) if pk in names else "", n) for pk, n in rows), key=lambda item: (-item[1], item[0]))


def attendance_per_day(meeting: Meeting) -> list[dict]:
    """For each day of the meeting: ``{"day", "total", "woman", "man", "other", "unstated"}``."""
    return attendance_figures(meeting)[1]


def _per_day(meeting: Meeting, counts: dict) -> list[dict]:
    result = []
    for day in meeting_days(meeting):
        genders = {g: counts.get(day, {}).get(g, 0) for g in Registration.Gender.values}
        result.append({"day": day, "total": sum(genders.values()), **genders})
    return result


def calendar_feed_by_token(token: str) -> CalendarFeed:
    """A live (not revoked) personal feed, or 404."""
    feed = (CalendarFeed.objects.select_related("user").filter(token=str(token or "")[:64], revoked_at__isnull=True)
            .first() if token else None)
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed


def calendar_feeds_for(user):
    return visible_to(user, CalendarFeed).order_by("-created_at")


def calendar_feed_get(user, pk) -> CalendarFeed:
    feed = visible_to(user, CalendarFeed).filter(pk=pk).first()
    if feed is None:
        raise Http404
    return feed


def meetings_in_feed(user):
    """Meetings for a person's own calendar: those they may see and are registered for (not withdrawn nor
    rejected) or, for staff, every meeting they may see that is planned or held."""
    visible = Meeting.objects.filter(meeting_q(user))
    if not is_staff(user):
        mine = Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email or "-")).exclude(
            status__in=[Status.REJECTED, Status.WITHDRAWN]).values("meeting_id")
        visible = visible.filter(pk__in=mine)
    return visible.prefetch_related("sessions").select_related("country").order_by("start_date", "pk")


def meeting_for_calendar(user, slug: str, registration_ids=()) -> Meeting:
    meeting = (Meeting.objects.filter(meeting_q(user, registration_ids), slug=slug)
               .prefetch_related("sessions").select_related("country").first())
    if meeting is None:
        raise Http404
    return meeting


def registration_is_open(meeting: Meeting, *, now=None) -> bool:
    """Whether anyone with the meeting's page may ask to register now (open registration, planned, not closed)."""
    now = now or timezone.now()
    return (meeting.registration == Meeting.Registration.OPEN and meeting.status == Meeting.Status.PLANNED
            and not (meeting.registration_closes_at and now >= meeting.registration_closes_at))
