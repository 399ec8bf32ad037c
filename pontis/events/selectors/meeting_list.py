"""The meeting list as values: a page of rows, their count, the years and the regions of its filters.

The list is asked on every visit with the same few statements; only the filters and the page change. Building and
compiling each queryset cost more Python than reading its answer, so for a reader who sees every meeting (the
policy adds no condition: staff) and for a visitor who is not signed in (the policy's condition holds no person's
value: the same for every such visitor) each statement is compiled once per worker, filter shape and page
(``core.awaiting.prepared_rows``); any other reader's rows are read through the policy as usual. Only statements
are kept, never an answer. The rows are tuples of values (the title as its stored JSON text, the country as its
name in the reader's language), written by ``templatetags.events_meeting_list``.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, IntegerField, TextField, Value
from django.db.models.functions import Cast
from django.utils import translation

from pontis.core import selectors as reference
from pontis.core.awaiting import prepared_rows
from pontis.core.forms import reference_version
from pontis.core.i18n import translate
from pontis.core.permissions import visible_to

from ..models import Meeting
from ..protection import meeting_q
from .panel_page import JsonText
from .registration import country_names


class MeetingListRow(NamedTuple):
    """What a row of the meeting list shows."""

    slug: str
    kind: str
    title: JsonText  # ``{language: text}`` as stored
    start_date: datetime.date
    end_date: datetime.date
    city: str
    country: str | None  # as ``str(country)`` writes it in the reader's language; None without a country
    status: str
    access: str


_ROW = ("slug", "kind", "title_json", "start_date", "end_date", "city", "country_id", "status", "access")
KEPT_PAGES_BELOW = 1000  # rows further down are read with a statement compiled for the request


def _filtered(queryset, kind=None, first_day=None, last_day=None, region=None):
    # ``start_date__year`` is the same range of days (Django compares a date with the year's first and last days).
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if first_day is not None:
        queryset = queryset.filter(start_date__range=(first_day, last_day))
    if region is not None:
        queryset = queryset.filter(region__code=region)
    return queryset


def _rows(queryset, bottom: int, top: int, **filters):
    return (_filtered(queryset, **filters).order_by("-start_date", "slug")
            .annotate(title_json=Cast("title", TextField())).values_list(*_ROW)[bottom:top])


def _count(queryset, **filters):
    # One row, ``COUNT(id)`` without grouping: the constant it is grouped by adds no column to group by.
    return (_filtered(queryset, **filters).order_by().annotate(list_all=Value(1, output_field=IntegerField()))
            .values("list_all").annotate(n=Count("pk")).values_list("n", flat=True))


def _years(queryset):
    return queryset.dates("start_date", "year", order="DESC")


def _kept_reader(user) -> str | None:
    """Which kept statements ``user`` reads the list with: ``"all"`` when the policy lets them see every meeting,
    ``"anonymous"`` for a visitor who is not signed in (the policy's condition is the same for every such
    visitor), None for anyone else (their statements name them)."""
    if not meeting_q(user):
        return "all"
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    return None


def _filter_values(kind: str, year: int | None, region: str) -> dict:
    values: dict = {}
    if kind:
        values["kind"] = kind
    if year:
        values["first_day"], values["last_day"] = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if region:
        values["region"] = region
    return values


class MeetingListValues:
    """The meetings ``user`` may see, newest first, filtered by kind, year (of the first day) and region code, as
    ``MeetingListRow``s: a sequence to page (``count()`` and slices), as ``meeting_list_rows`` pages it."""

    ordered = True  # newest first, then by short name

    def __init__(self, user, *, kind: str = "", year: int | None = None, region: str = "", page_size: int = 20):
        self.user, self.page_size = user, page_size
        self.reader = _kept_reader(user)
        self.values = _filter_values(kind, year, region)
        self.shape = ".".join(sorted(self.values))
        self._count = None

    def _kept(self, name: str, build):
        """The rows of the statement ``build(queryset, **filters)`` for this reader, compiled once per worker."""
        user = self.user
        return prepared_rows((__name__, f"{name}.{self.reader}.{self.shape}"),
                             lambda **values: build(visible_to(user, Meeting), **values), self.values,
                             texts=("kind", "region"), dates=("first_day", "last_day"))

    def count(self) -> int:
        if self._count is None:
            if self.reader is None:
                self._count = _filtered(visible_to(self.user, Meeting), **self.values).count()
            else:
                counts = self._kept("count", _count)
                self._count = counts[0] if counts else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None:
            raise TypeError("pages only")
        bottom, top = item.start or 0, item.stop
        if top is None:
            raise TypeError("pages only")
        if self.reader is None or bottom >= KEPT_PAGES_BELOW:
            rows = list(_rows(visible_to(self.user, Meeting), bottom, top, **self.values))
        else:
            # A page's statement reads a whole page (the last one is shorter): one statement per page, whatever
            # the count.
            size = max(self.page_size, top - bottom)
            rows = self._kept(f"rows.{bottom}.{size}",
                              lambda queryset, **values: _rows(queryset, bottom, bottom + size, **values))
            rows = rows[:top - bottom]
        names = country_names() if rows else {}
        return [MeetingListRow(slug, kind, JsonText(title), start, end, city,
                               None if country_id is None else names.get(country_id), status, access)
                for slug, kind, title, start, end, city, country_id, status, access in rows]


def meeting_list_values(user, *, kind: str = "", year: int | None = None, region: str = "",
                        page_size: int = 20) -> MeetingListValues:
    """The rows of the meeting list for ``user`` with these filters, to page (``MeetingListValues``)."""
    return MeetingListValues(user, kind=kind, year=year, region=region, page_size=page_size)


def meeting_list_years(user) -> list[int]:
    """``meeting_years(user)``: the years in which the meetings ``user`` may see started, newest first."""
    reader = _kept_reader(user)
    if reader is None:
        dates = _years(visible_to(user, Meeting))
    else:
        dates = prepared_rows((__name__, f"years.{reader}"), lambda: _years(visible_to(user, Meeting)), {})
    return [d.year for d in dates]


_regions: dict = {}


def meeting_region_choices() -> list[tuple[str, str]]:
    """``[(code, label), ...]`` of the regions in use, in their order, each label as ``region.label`` writes it in
    the reader's language: read once per worker, database, language and reference-data version
    (``core.forms.reference_version``, which changes whenever a region is saved or deleted)."""
    key = (reference_version(), translation.get_language(), connection.settings_dict.get("NAME"))
    choices = _regions.get(key)
    if choices is None:
        if len(_regions) > 20:
            _regions.clear()
        choices = _regions[key] = [(code, str(translate(name)))
                                   for code, name in reference.regions(active_only=True).values_list("code", "name")]
    return choices
