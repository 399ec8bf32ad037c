"""Roster pages that reach the last expert quickly, whatever the roster's size: keyset paging in name order.

A page is read from where the page before it ended (``after=<id>``: the next 25 in the order family name, given
name, id), or ended (``before=<id>``: the 25 before, read backwards), or from the end (``last=1``). Each is one walk
of the index ``experts_profile_roster_order`` that stops after 26 rows, so the last of 100,000 experts costs what
the first does; an OFFSET would read every row before the page. ``page=<n>`` alone (an old link) still works
through an offset.

The number of experts is counted exactly for the whole roster (an index-only scan of the same index) and up to
``cap`` for a search or a filter, where a count of 30,000 matches would cost more than the page: past it the page
says "more than", and Next and Last still reach the end. The page numbers of the links follow the pages read
(first, the ones before and after, last), as GOV.UK's pagination shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

ORDER = ("family_name", "given_name", "id")
CURSOR_PARAMS = ("after", "before", "last", "page")


def _after(key) -> Q:
    family, given, pk = key
    # The first condition alone bounds the index walk; the second puts the namesakes in their place.
    return Q(family_name__gte=family) & (Q(family_name__gt=family) | Q(family_name=family, given_name__gt=given)
                                         | Q(family_name=family, given_name=given, id__gt=pk))


def _before(key) -> Q:
    family, given, pk = key
    return Q(family_name__lte=family) & (Q(family_name__lt=family) | Q(family_name=family, given_name__lt=given)
                                         | Q(family_name=family, given_name=given, id__lt=pk))


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 10**9 else None


@dataclass
class PageLink:
    label: str  # a page number; empty for the last page of a search whose size is not known ("Last page")
    url: str
    current: bool = False
    gap: bool = False


@dataclass
class RosterPage:
    object_list: list
    count: int  # exact, or ``cap`` when is_capped
    is_capped: bool
    per_page: int
    number: int | None  # None when it cannot be known (a capped search read backwards from its end)
    num_pages: int | None
    has_previous: bool
    has_next: bool
    previous_url: str = ""
    next_url: str = ""
    links: list[PageLink] = field(default_factory=list)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def start_index(self) -> int | None:
        if self.number is None or not self.object_list:
            return None
        return (self.number - 1) * self.per_page + 1

    @property
    def end_index(self) -> int | None:
        start = self.start_index
        return None if start is None else start + len(self.object_list) - 1


def roster_page(queryset, params, *, rows, per_page: int = 25, cap: int | None = None, count=None,
                base_query: str = "", count_key: str | None = None) -> RosterPage:
    """The page of ``queryset`` (filtered, not yet ordered) that ``params`` (the request's GET) asks for.

    ``rows(qs)`` adds what a row shows (select and prefetch) to the queryset that is read. ``count``: the number of
    rows when the caller knows it; else ``cap``: count at most this many (None: count exactly). ``base_query`` is the
    page's other parameters (filters), kept in the links. ``count_key``: where the capped count of this search is
    kept in the shared cache for ``count_cache_seconds()`` (it names everything the count depends on). A fixed number of queries: the count, the cursor row (when
    the link names one), the rows and their prefetches. The first page is read before the count, which it makes
    unnecessary when it holds every match (a search that finds a handful of experts costs one query less).
    """
    number = _int(params.get("page"))
    descending = [f"-{name}" for name in ORDER]
    first_page, capped = None, False
    if count is None and not any(params.get(key) for key in CURSOR_PARAMS if key != "page") and not (
            number and number > 1):
        # The first page is read before counting: when it holds every match, its length is the count.
        first_page = list(rows(queryset.order_by(*ORDER))[: per_page + 1])
        if len(first_page) <= per_page:
            count = len(first_page)
            if cap is not None and count > cap:
                count, capped = cap, True
    if count is None and cap is None:
        count = queryset.order_by().count()
    elif count is None:
        bounded = _kept_count(count_key, lambda: queryset.order_by()[: cap + 1].count())
        count, capped = min(bounded, cap), bounded > cap
    num_pages = None if capped else max(1, -(-count // per_page))

    def key_of(pk):
        # Any profile marks a place in the order, even one the filters no longer match.
        return queryset.model._default_manager.filter(pk=pk).values_list(*ORDER).first() if pk else None

    after_key, before_key = key_of(_int(params.get("after"))), None
    if after_key is None:
        before_key = key_of(_int(params.get("before")))
    if after_key is not None:
        found = list(rows(queryset.filter(_after(after_key)).order_by(*ORDER))[: per_page + 1])
        object_list, has_next, has_previous = found[:per_page], len(found) > per_page, True
    elif before_key is not None:
        found = list(rows(queryset.filter(_before(before_key)).order_by(*descending))[: per_page + 1])
        object_list, has_previous, has_next = found[:per_page][::-1], len(found) > per_page, True
        if not has_previous:
            number = 1
    elif params.get("last") and (capped or count > per_page):
        size = count - (num_pages - 1) * per_page if num_pages else per_page
        found = list(rows(queryset.order_by(*descending))[: size + 1])
        object_list, has_previous, has_next = found[:size][::-1], len(found) > size, False
        number = num_pages
    elif number and number > 1:  # a bare page number (an old link): read by offset, within the pages that exist
        if num_pages:
            number = min(number, num_pages)
        start = (number - 1) * per_page
        found = list(rows(queryset.order_by(*ORDER))[start: start + per_page + 1])
        object_list, has_next, has_previous = found[:per_page], len(found) > per_page, True
    else:
        found = first_page if first_page is not None else list(rows(queryset.order_by(*ORDER))[: per_page + 1])
        object_list, has_next, has_previous, number = found[:per_page], len(found) > per_page, False, 1
    if number and num_pages and number > num_pages:
        number = None
    page = RosterPage(object_list=object_list, count=count, is_capped=capped, per_page=per_page, number=number,
                      num_pages=num_pages, has_previous=has_previous, has_next=has_next)
    _link(page, base_query)
    return page


def count_cache_seconds() -> int:
    """How long the capped count of a search is kept: a minute at most, never longer than the figures
    (``PONTIS_FIGURES_CACHE_SECONDS``, 0 in tests: not kept)."""
    return min(settings.PONTIS_FIGURES_CACHE_SECONDS, 60)


def _kept_count(key: str | None, count) -> int:
    """``count()``, kept under ``key`` for ``count_cache_seconds()``. The roster is the same for every reader who may
    search it, so a count is too; a search counted to 500 matches cost more than the page's rows (25 ms at
    100,000 experts), on every page of its results."""
    seconds = count_cache_seconds()
    if not key or seconds <= 0:
        return count()
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, seconds)
    return value


def _url(base_query: str, **params) -> str:
    query = "&".join(part for part in (base_query, urlencode({k: v for k, v in params.items() if v is not None})) if part)
    return f"?{query}" if query else "?"


def _link(page: RosterPage, base_query: str) -> None:
    """Previous and Next, and the numbered links GOV.UK shows: first, the page before, this one, the one after,
    last (with gaps between)."""
    first, last = page.object_list[:1], page.object_list[-1:]
    number, num_pages = page.number, page.num_pages
    if page.has_previous and first:
        page.previous_url = _url(base_query, before=first[0].pk, page=number - 1 if number and number > 1 else None)
    if page.has_next and last:
        page.next_url = _url(base_query, after=last[0].pk, page=number + 1 if number else None)
    if not (page.has_previous or page.has_next):
        return
    links: list[PageLink] = []
    if page.has_previous and number != 2:
        links.append(PageLink("1", _url(base_query)))
        if number is None or number > 3:
            links.append(PageLink("…", "", gap=True))
    if page.has_previous and number and number > 1:
        links.append(PageLink(str(number - 1), page.previous_url))
    if number:
        links.append(PageLink(str(number), "", current=True))
    if page.has_next and number:
        links.append(PageLink(str(number + 1), page.next_url))
    if page.has_next and (num_pages is None or number is None or number + 1 < num_pages):
        if num_pages is None or number is None or number + 2 < num_pages:
            links.append(PageLink("…", "", gap=True))
        links.append(PageLink(str(num_pages) if num_pages else "", _url(base_query, last=1)))
    page.links = links
