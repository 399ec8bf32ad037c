"""Reads of registration and attendance: the staff list, a person's own registration, the attendance sheet and
the disaggregated figures (per day, and totals by gender, institution, country and role).

Figures count people (distinct registrations), not check-ins: someone present on three days counts once in the
totals and once on each day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone, translation

from pontis.core.forms import reference_version
from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.core.permissions import visible_to
from pontis.core.roles import is_staff

from ..models import Attendance, CalendarFeed, Meeting, MeetingInvitation, Registration
from ..protection import meeting_q
from .meeting_statements import kept_rows

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


def _meeting_with_activity(slug):
    return Meeting.objects.filter(slug=slug).select_related("activity")[:1]


def _meeting_alone(slug):
    return Meeting.objects.filter(slug=slug)[:1]


def meeting_for_staff(user, slug: str, *, with_activity: bool = True) -> Meeting:
    """A meeting for its staff pages (404 for a meeting that does not exist; the view declares staff access), with
    its activity read in the same query unless ``with_activity`` is False (a page that shows only whether there is
    one). When the protection rules let ``user`` see every meeting (an empty ``meeting_q``), the statement is the
    same for every request and is compiled once per worker."""
    visible = meeting_q(user)
    if visible:
        meeting = Meeting.objects.filter(visible, slug=slug)
        meeting = (meeting.select_related("activity") if with_activity else meeting).first()
    else:
        rows = kept_rows("events.meeting_for_staff" if with_activity else "events.meeting_for_staff_alone",
                         _meeting_with_activity if with_activity else _meeting_alone, {"slug": str(slug)},
                         texts=("slug",))
        meeting = rows[0] if rows else None
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


def _own_registration(meeting, user, email):
    # ``UPPER(email) = UPPER(%s)``: what ``email__iexact`` asks on PostgreSQL, and on SQLite the same answer as its
    # ``LIKE`` (both fold ASCII letters only), with the address as a plain parameter in both.
    return (Registration.objects.filter(meeting=meeting).alias(email_upper=Upper("email"))
            .filter(Q(user=user) | Q(email_upper=Upper(Value(email, output_field=CharField()))))
            .order_by("requested_at", "id")[:1])


def registration_for_user(meeting: Meeting, user) -> Registration | None:
    """The registration of ``meeting`` made by ``user`` or with their address (any case), the oldest first; the
    statement is compiled once per worker."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = kept_rows("events.own_registration", _own_registration,
                     {"meeting": meeting.pk, "user": user.pk, "email": user.email or "-"}, texts=("email",))
    return rows[0] if rows else None


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
# id with them (named from ``country_names``), and the page's days present in one more read (``registration_rows``).
_ROW_FIELDS = ("pk", "name", "email", "position", "institution_name", "gender", "status", "country_id")


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


def _staff_page(meeting, status, bottom, top):
    queryset = Registration.objects.filter(meeting=meeting)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_at", "id").values_list(*_ROW_FIELDS)[bottom:top]


class StaffRegistrationValues:
    """``registration_values_for`` for a reader who sees every registration (staff), as a sequence to page: its
    length is the count of ``registration_counts`` (no count query), and each page's statement is compiled once
    per worker (per status and page; the first pages only)."""

    ordered = True  # by request, then id

    def __init__(self, meeting: Meeting, status: str, counts: dict):
        self.meeting, self.status = meeting, status if status in Status.values else ""
        self._count = counts[self.status] if self.status else counts["total"]

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("pages only")
        bottom, top = item.start or 0, item.stop
        if top is None or bottom > 1000:
            return list(_staff_page(self.meeting.pk, self.status, bottom, top))
        return kept_rows(f"events.registration_page.{self.status}.{bottom}.{top}",
                         lambda meeting: _staff_page(meeting, self.status, bottom, top), {"meeting": self.meeting.pk})


def registration_page_values(user, meeting: Meeting, *, status: str, counts: dict):
    """What the staff's list of registrations pages: ``StaffRegistrationValues`` for a reader who sees every
    registration (``counts``: ``registration_counts(meeting)``), else ``registration_values_for``."""
    if is_staff(user):  # RegistrationPolicy: staff see every registration
        return StaffRegistrationValues(meeting, status, counts)
    return registration_values_for(user, meeting, status=status)


def _page_days(ids):
    return Attendance.objects.filter(registration_id__in=ids).order_by("day").values_list("registration_id", "day")


_country_names: dict = {}


def country_names() -> dict[int, str]:
    """``{country id: str(country)}`` in the reader's language, read once per worker, database, language and
    reference-data version (``core.forms.reference_version``, which changes whenever a country is saved)."""
    key = (reference_version(), translation.get_language(), connection.settings_dict.get("NAME"))
    names = _country_names.get(key)
    if names is None:
        if len(_country_names) > 20:
            _country_names.clear()
        names = _country_names[key] = {pk: str(translate(name) or code)
                                       for pk, name, code in Country.objects.values_list("pk", "name", "code")}
    return names


def registration_rows(values) -> list[RegistrationRow]:
    """The rows of a page of ``registration_values_for``, each with its days present (one query for the page,
    compiled once per worker and page length)."""
    values = list(values)
    days: dict[int, list] = {row[0]: [] for row in values}
    if days:
        for registration_id, day in kept_rows("events.registration_page_days", _page_days, {"ids": list(days)},
                                              lists=("ids",)):
            days[registration_id].append(day)
    countries = country_names()
    rows = []
    for pk, name, email, position, institution, gender, status, country_id in values:
        rows.append(RegistrationRow(pk, name, email, position, institution, gender, status,
                                    countries.get(country_id, ""), days[pk]))
    return rows


def _status_counts(meeting):
    return Registration.objects.filter(meeting=meeting).values_list("status").annotate(n=Count("id")).order_by()


def registration_counts(meeting: Meeting) -> dict:
    """How many registrations of each status (every status present, 0 included) and ``total``."""
    counts = dict.fromkeys(Status.values, 0)
    for status, n in kept_rows("events.registration_counts", _status_counts, {"meeting": meeting.pk}):
        counts[status] = n
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


def _check_ins(meeting):
    return (Attendance.objects.filter(registration__meeting=meeting)
            .values_list("registration_id", "day", "registration__gender", "registration__institution_name",
                         "registration__country", "registration__position").order_by())


def attendance_figures(meeting: Meeting) -> tuple[dict, list[dict]]:
    """``(attendance_totals(meeting), attendance_per_day(meeting))`` from one read of the meeting's check-ins.

    The read walks the meeting's registrations and, through the (registration, day) index, their check-ins: it
    never scans the whole attendance table, and it returns at most one row per person and day."""
    rows = kept_rows("events.attendance_figures", _check_ins, {"meeting": meeting.pk})
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
    ``str(country)`` gives them (``country_names``, kept per worker and reference-data version)."""
    names = country_names() if any(pk for pk, _n in rows) else {}
    return sorted(((names.get(pk, "") if pk else "", n) for pk, n in rows), key=lambda item: (-item[1], item[0]))


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
