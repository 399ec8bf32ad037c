"""The registry of figures: each figure has an id, a translated definition, a unit and one query.

The dashboards, the annual report, the CSV/XLSX exports and the statistics API all read figures from here, so
they agree by construction (docs/reports.md, "One definition per figure").

    @figure("actions.by_region", label=_("Actions by region"), definition=_("..."), unit=UNIT_ACTIONS,
            kind=BREAKDOWN, people=False, chart="bar")
    def actions_by_region(filters: Filters) -> Result: ...

    compute("actions.by_region", filters, user=request.user) -> Result   # suppression applied for the reader

A breakdown of people (``people=True``) hides every row behind fewer than ``MIN_PEOPLE`` people from readers who
may not see small numbers (donor observers): the row's value becomes ``None`` with ``suppressed=True``. A value
that imported history cannot know is ``None`` with ``unknown=True`` ("unknown", never 0).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.functional import Promise

from pontis.core.selectors import REFRESH_CLAIM_SECONDS, cached_figures, figures_refresh

from ..tasks import refresh_figures
from .common import figures_settings
from .filters import Filters

MIN_PEOPLE = 5

NUMBER = "number"  # one value
BREAKDOWN = "breakdown"  # rows keyed by a code (region, theme, gender...)
SERIES = "series"  # rows keyed by a year, in order


@dataclass(frozen=True)
class Row:
    key: str  # a stable code: region code, theme code, year, gender...
    label: str  # translated label for the reader
    value: float | int | None
    unknown: bool = False
    suppressed: bool = False


@dataclass(frozen=True)
class Result:
    figure_id: str
    value: float | int | None = None  # NUMBER figures
    rows: tuple[Row, ...] = ()  # BREAKDOWN and SERIES figures
    unknown: bool = False
    suppressed: bool = False
    note: str = ""  # e.g. why some years are unknown

    def as_json(self) -> dict:
        """What the statistics API and the report's snapshot store: codes and numbers, no translated labels."""
        if self.rows:
            return {r.key: (None if (r.unknown or r.suppressed) else r.value) for r in self.rows}
        return None if (self.unknown or self.suppressed) else self.value


@dataclass(frozen=True)
class FigureDef:
    id: str
    label: Promise | str
    definition: Promise | str
    unit: Promise | str
    kind: str
    query: Callable[[Filters], Result]
    people: bool = False  # a count of people: small groups are suppressed for observers
    chart: str | None = None  # "bar", "timeline", "map" or None (a number, or a table only)
    section: str = "actions"  # the dashboard section it belongs to
    order: int = 100
    tags: tuple[str, ...] = field(default_factory=tuple)


_figures: dict[str, FigureDef] = {}


def figure(figure_id: str, *, label, definition, unit, kind=NUMBER, people=False, chart=None, section="actions", order=100):
    """Register the decorated function as the one query of ``figure_id``."""

    def decorator(func: Callable[[Filters], Result]):
        if figure_id in _figures:
            raise ValueError(f"figure {figure_id} is registered twice")
        _figures[figure_id] = FigureDef(figure_id, label, definition, unit, kind, func, people, chart, section, order)
        return func

    return decorator


def get(figure_id: str) -> FigureDef:
    return _figures[figure_id]


def all_figures(section: str | None = None) -> list[FigureDef]:
    return sorted((f for f in _figures.values() if section is None or f.section == section), key=lambda f: (f.order, f.id))


def suppress(result: Result, *, reveal: bool) -> Result:
    """The result as a reader who may (``reveal``) or may not see groups of fewer than MIN_PEOPLE people sees it."""
    if reveal:
        return result
    if result.rows:
        rows = tuple(
            replace(r, value=None, suppressed=True) if (r.value is not None and 0 < r.value < MIN_PEOPLE) else r
            for r in result.rows
        )
        return replace(result, rows=rows)
    if result.value is not None and 0 < result.value < MIN_PEOPLE:
        return replace(result, value=None, suppressed=True)
    return result


def compute(figure_id: str, filters: Filters, *, reveal: bool) -> Result:
    """The figure for these filters, as a reader who may (``reveal``) or may not see small groups sees it."""
    return compute_as_of(figure_id, filters, reveal=reveal)[0]


def compute_as_of(
    figure_id: str, filters: Filters, *, reveal: bool, group: Iterable[str] | None = None
) -> tuple[Result, datetime.datetime]:
    """``compute``, with the time the figure was computed ("data as of": it may come from the cache). ``group``:
    the figures read with this one (a statistics route's), the ones computed again once it has aged; every figure
    when None (the dashboard)."""
    definition = get(figure_id)
    group = tuple(sorted(set(group))) if group is not None else None

    def run() -> tuple[Result, datetime.datetime]:
        now = timezone.now()
        token = _data_time.set([now])
        try:
            result = definition.query(filters)
            as_of = min(_data_time.get())
        finally:
            _data_time.reset(token)
        return (suppress(result, reveal=reveal) if definition.people else result), as_of

    # Shared by every reader of the same figure, filters and suppression (off in the test profile); the key holds
    # the language too (cached_figures), the labels being translated. Once older than PONTIS_FIGURES_CACHE_SECONDS
    # the figure is still answered, with its time, while the task worker computes the figures of its group again
    # (refresh_queue).
    return cached_figures(
        f"figure:{figure_id}:{filters.key}:{int(bool(reveal))}",
        run,
        refresh=lambda: refresh_queue(filters, reveal=reveal, figure_ids=group),
    )


# The times of the data a figure read, while it is computed: now, and the time of any facts kept that it read.
_data_time: contextvars.ContextVar[list | None] = contextvars.ContextVar("figures_data_time", default=None)


def data_as_of(when: datetime.datetime) -> None:
    """Say that the figure being computed read data as of ``when`` (facts kept as columns, ``facts.py``): its
    "data as of" is then the earliest such time, not the time it was computed."""
    times = _data_time.get()
    if times is not None:
        times.append(when)


def compute_group_as_of(
    figure_ids: Iterable[str], filters: Filters, *, reveal: bool
) -> dict[str, tuple[Result, datetime.datetime]]:
    """``compute_as_of`` for each of ``figure_ids`` (a statistics route's figures), kept together as one entry of
    the figures cache: a reader of the route reads one entry, not one per figure (the route's cost when its
    figures are kept). The entry ages like a figure: once older than ``PONTIS_FIGURES_CACHE_SECONDS`` it is still
    answered while the task worker computes the group again (``refresh_all`` with these ``figure_ids``)."""
    group = tuple(sorted(set(figure_ids)))

    def run() -> dict[str, tuple[Result, datetime.datetime]]:
        with figures_settings(), computing_once():
            return {figure_id: compute_as_of(figure_id, filters, reveal=reveal, group=group) for figure_id in group}

    return cached_figures(
        f"figures:{_group_key(group)}:{filters.key}:{int(bool(reveal))}",
        run,
        refresh=lambda: refresh_queue(filters, reveal=reveal, figure_ids=group),
    )


def _group_key(figure_ids: Iterable[str]) -> str:
    return hashlib.sha1(",".join(sorted(figure_ids)).encode()).hexdigest()[:12]


def refresh_queue(filters: Filters, *, reveal: bool, figure_ids: tuple[str, ...] | None = None) -> None:
    """Queue one task computing the figures ``figure_ids`` (every figure when None) of these filters again for this
    kind of reader and language (the first stale figure of a page or route queues it; the others find it
    claimed)."""
    language = translation.get_language()
    claim = refresh_claim(filters, reveal=reveal, language=language, figure_ids=figure_ids)
    if cache.add(claim, 1, REFRESH_CLAIM_SECONDS):
        if figure_ids is None:
            refresh_figures.enqueue(filters.query_string(), bool(reveal), language)
        else:
            refresh_figures.enqueue(filters.query_string(), bool(reveal), language, list(figure_ids))


def refresh_claim(filters: Filters, *, reveal: bool, language: str, figure_ids=None) -> str:
    group = "all" if figure_ids is None else _group_key(figure_ids)
    return f"pontis:figures-refresh:{filters.key}:{int(bool(reveal))}:{language}:{group}"


def refresh_all(filters: Filters, *, reveal: bool, figure_ids: Iterable[str] | None = None) -> int:
    """Compute the figures ``figure_ids`` (every figure when None; an id no longer registered is skipped) of these
    filters again and keep them (what ``refresh_figures`` runs); answers how many. The parts several figures share
    (``shared``) are computed once."""
    definitions = all_figures() if figure_ids is None else [_figures[i] for i in figure_ids if i in _figures]
    with figures_refresh(), computing_once(), figures_settings():
        if figure_ids is None:
            for definition in definitions:
                compute_as_of(definition.id, filters, reveal=reveal)
        else:  # a statistics route's group: its figures, and the entry that keeps them together
            compute_group_as_of([d.id for d in definitions], filters, reveal=reveal)
    return len(definitions)


# -- parts several figures share (one query for five roster figures, for instance) --

_once: contextvars.ContextVar[dict | None] = contextvars.ContextVar("figures_computed_once", default=None)


@contextlib.contextmanager
def computing_once():
    """Inside this block a shared part (``shared``) is computed at most once, even under ``figures_refresh``
    (where every cached value is computed again): a refresh of 32 figures reads the roster once, not once per
    roster figure."""
    token = _once.set({})
    try:
        yield
    finally:
        _once.reset(token)


def shared(name: str, compute: Callable):
    """A part several figures read, through the figures cache (``cached_figures(name, compute)``), and computed
    once per ``computing_once`` block."""
    memo = _once.get()
    if memo is None:
        return cached_figures(name, compute)
    if name not in memo:
        memo[name] = cached_figures(name, compute)
    return memo[name]
