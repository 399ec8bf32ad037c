"""Requests received and approved, by year and in total.

Requests have been recorded in Pontis since the first one was submitted in it. Actions imported from the facility's
history (no source request) show that requests were received in earlier years, but not how many: those years are
"unknown" rows (value None, ``unknown=True``), never 0, and the result's note says why.
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.intake.models import Request, RequestStatus

from .actions import actions_found
from .filters import Filters
from .registry import NUMBER, SERIES, Result, Row, figure, shared

UNIT_REQUESTS = _("requests")

RECEIVED_BY_YEAR = "requests.received_by_year"
APPROVED_BY_YEAR = "requests.approved_by_year"


def _requests_of_place(filters: Filters):
    qs = Request.objects.all()
    if filters.region:
        qs = qs.filter(pk__in=Request.countries.through.objects.filter(
            country__region__code=filters.region).values("request_id"))
    if filters.theme:
        qs = qs.filter(pk__in=Request.themes.through.objects.filter(
            thematicarea__code=filters.theme).values("request_id"))
    if filters.country:
        qs = qs.filter(pk__in=Request.countries.through.objects.filter(
            country__code=filters.country).values("request_id"))
    return qs


def _first_year() -> int | None:
    """The year of the first request ever recorded in Pontis (one query, shared by the four request figures)."""

    def compute():
        first = Request.objects.filter(submitted_at__isnull=False).aggregate(first=Min("submitted_at"))["first"]
        return timezone.localtime(first).year if first else None

    return shared("requests-first-year", compute)


def _yearly(filters: Filters, *, approved: bool) -> tuple[list[Row], int | None]:
    """The rows by year (known years counted, years before the first recorded request unknown) and that first year,
    shared by the total and the series.

    The years of the imported history (Actions without a request in Pontis) of the region, theme and country come
    from the Action facts (``actions_found``); the first request ever recorded and the counts by year are one query
    each."""
    return shared(f"requests-yearly:{int(approved)}:{filters.key}", lambda: _yearly_rows(filters, approved=approved))


def _yearly_rows(filters: Filters, *, approved: bool) -> tuple[list[Row], int | None]:
    date_field = "decided_at" if approved else "submitted_at"
    first_year = _first_year()
    low, high = actions_found(filters)["history"]
    span = {"low": low, "high": high}

    requests = _requests_of_place(filters).filter(**{f"{date_field}__isnull": False})
    if approved:
        requests = requests.filter(status=RequestStatus.APPROVED)
    if filters.date_from:
        requests = requests.filter(**{f"{date_field}__date__gte": filters.date_from})
    if filters.date_to:
        requests = requests.filter(**{f"{date_field}__date__lte": filters.date_to})
    counts = dict(requests.annotate(y=ExtractYear(date_field)).values_list("y").annotate(n=Count("id")).order_by())

    years = set(counts)
    if span["low"] is not None and (first_year is None or span["low"] < first_year):
        # The unknown years: from the earliest imported Action to the year before the first recorded request,
        # within the period.
        low = max(span["low"], filters.date_from.year) if filters.date_from else span["low"]
        high = span["high"] if first_year is None else first_year - 1
        if filters.date_to:
            high = min(high, filters.date_to.year)
        if low <= high:
            years.update((low, high))
    if first_year is not None:
        # The known years: every year of the period from the first recorded request on, up to this year.
        low = max(first_year, filters.date_from.year) if filters.date_from else first_year
        high = min(filters.date_to.year, timezone.localdate().year) if filters.date_to else max(years | {first_year})
        if low <= high:
            years.update((low, high))
    if not years:
        return [], first_year
    low, high = min(years), max(years)
    rows = []
    for year in range(low, high + 1):
        if first_year is None or year < first_year:
            rows.append(Row(str(year), str(year), None, unknown=True))
        else:
            rows.append(Row(str(year), str(year), counts.get(year, 0)))
    return rows, first_year


def _note(rows, first_year) -> str:
    if not any(r.unknown for r in rows):
        return ""
    if first_year is None:
        return gettext("No request has been recorded in Pontis yet: the number of requests behind the Actions imported "
                  "from the facility's history is unknown.")
    return gettext("Requests have been recorded in Pontis since %(year)s. Earlier years had requests (Actions imported "
              "from the facility's history) but their number is unknown.") % {"year": first_year}


def _series(figure_id: str, filters: Filters, *, approved: bool) -> Result:
    rows, first_year = _yearly(filters, approved=approved)
    return Result(figure_id, rows=tuple(rows), note=_note(rows, first_year))


def _total(figure_id: str, filters: Filters, *, approved: bool) -> Result:
    rows, first_year = _yearly(filters, approved=approved)
    known = [r for r in rows if not r.unknown]
    if rows and not known:
        return Result(figure_id, value=None, unknown=True, note=_note(rows, first_year))
    return Result(figure_id, value=sum(r.value for r in known), note=_note(rows, first_year))


_RECEIVED = _("Requests submitted in Pontis in the period (the day they were submitted), from the countries and on "
              "the thematic areas chosen (the request's own countries and themes). Years before the first request "
              "recorded in Pontis are unknown, never 0: the total counts the known years only and says so.")
_APPROVED = _("Requests the steering committee approved in the period (the day of the decision), from the countries "
              "and on the thematic areas chosen. Years before the first request recorded in Pontis are unknown, "
              "never 0: the total counts the known years only and says so.")


@figure("requests.received", label=_("Requests received"), unit=UNIT_REQUESTS, kind=NUMBER, section="requests",
        order=10, definition=_RECEIVED)
def requests_received(filters: Filters) -> Result:
    return _total("requests.received", filters, approved=False)


@figure(RECEIVED_BY_YEAR, label=_("Requests received by year"), unit=UNIT_REQUESTS, kind=SERIES, chart="bar",
        section="requests", order=20, definition=_RECEIVED)
def requests_received_by_year(filters: Filters) -> Result:
    return _series(RECEIVED_BY_YEAR, filters, approved=False)


@figure("requests.approved", label=_("Requests approved"), unit=UNIT_REQUESTS, kind=NUMBER, section="requests",
        order=30, definition=_APPROVED)
def requests_approved(filters: Filters) -> Result:
    return _total("requests.approved", filters, approved=True)


@figure(APPROVED_BY_YEAR, label=_("Requests approved by year"), unit=UNIT_REQUESTS, kind=SERIES, chart="bar",
        section="requests", order=40, definition=_APPROVED)
def requests_approved_by_year(filters: Filters) -> Result:
    return _series(APPROVED_BY_YEAR, filters, approved=True)

