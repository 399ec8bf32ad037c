"""Reads of the dashboard: every registered figure, computed for the filters as this reader may see it, grouped
into the dashboard's sections, with the time the figures were computed ("data as of").

    board = dashboard(filters, reveal=can(user, "see_small_numbers", Dashboard))
    board.as_of, board.sections -> [Section(key, title, figures=[FigureView, ...])]

Figures come only from the registry (``figures.registry.compute``), so the page, its exports, the annual report
and the statistics API agree by construction. The number of queries depends on the figures registered, never on
the data: each figure is one query (or a fixed few), and nothing here queries per row.
Each figure is cached by the registry per filters, reader kind (``reveal``) and language for
``PONTIS_FIGURES_CACHE_SECONDS`` (0 in tests): "data as of" is the time the oldest figure shown was computed, not
the time of the page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .charts import format_value, value_text
from .figures import registry
from .figures.common import figures_settings
from .figures.filters import Filters
from .figures.registry import BREAKDOWN, NUMBER, SERIES, FigureDef, Result

# The dashboard's sections, in order, with their headings; a section a figure names that is not listed here comes
# after these, under its own name.
SECTION_TITLES = {
    "requests": _("Requests"),
    "actions": _("Actions"),
    "deliverables": _("Deliverables"),
    "experts": _("Experts"),
    "participants": _("Participants"),
    "feedback": _("Satisfaction and knowledge gain"),
    "speed": _("Rapid reaction"),
}


@dataclass(frozen=True)
class FigureView:
    """One figure as the page, its table and its export show it."""

    figure: FigureDef
    result: Result

    @property
    def id(self) -> str:
        return self.figure.id

    @property
    def html_id(self) -> str:
        return "figure-" + self.figure.id.replace(".", "-")

    @property
    def is_number(self) -> bool:
        return self.figure.kind == NUMBER or (not self.result.rows and self.figure.kind not in (BREAKDOWN, SERIES))

    @property
    def shown(self) -> str:
        """The NUMBER figure's value as text: the number, "unknown" or "fewer than 5"."""
        return value_text(self.result)

    @property
    def is_plain_value(self) -> bool:
        return not (self.result.unknown or self.result.suppressed or self.result.value is None)

    @property
    def rows(self) -> list[dict]:
        return [
            {
                "key": r.key,
                "label": r.label,
                "value": r.value,
                "shown": value_text(r),
                "plain": not (r.unknown or r.suppressed or r.value is None),
            }
            for r in self.result.rows
        ]


@dataclass
class Section:
    key: str
    title: str
    figures: list[FigureView] = field(default_factory=list)


@dataclass
class Board:
    filters: Filters
    as_of: datetime.datetime
    sections: list[Section]

    def figure(self, figure_id: str) -> FigureView | None:
        for section in self.sections:
            for view in section.figures:
                if view.id == figure_id:
                    return view
        return None


def section_title(key: str) -> str:
    return str(SECTION_TITLES.get(key) or key.replace("_", " ").capitalize())


def _section_order(key: str) -> tuple[int, str]:
    keys = list(SECTION_TITLES)
    return (keys.index(key) if key in keys else len(keys), key)


def _computed(filters: Filters, *, reveal: bool) -> tuple[datetime.datetime, dict[str, Result]]:
    """Every figure's result, and "data as of": the time the oldest of them was computed (the registry caches each
    figure for ``PONTIS_FIGURES_CACHE_SECONDS``; 0 in tests)."""
    results, times = {}, []
    # The figures computed here share one transaction and its settings, and each shared part (the roster) once.
    with figures_settings(), registry.computing_once():
        for figure_def in registry.all_figures():
            result, as_of = registry.compute_as_of(figure_def.id, filters, reveal=reveal)
            results[figure_def.id] = result
            times.append(as_of)
    return (min(times) if times else timezone.now()), results


def dashboard(filters: Filters, *, reveal: bool) -> Board:
    """Every registered figure for ``filters``, by section; ``reveal``: the reader may see groups under 5."""
    as_of, results = _computed(filters, reveal=reveal)
    sections: dict[str, Section] = {}
    for figure_def in registry.all_figures():
        result = results.get(figure_def.id)
        if result is None:  # registered while the board was being computed
            continue
        section = sections.setdefault(figure_def.section, Section(figure_def.section, section_title(figure_def.section)))
        section.figures.append(FigureView(figure_def, result))
    ordered = [sections[key] for key in sorted(sections, key=_section_order)]
    return Board(filters=filters, as_of=as_of, sections=ordered)


def figure_view(figure_id: str, filters: Filters, *, reveal: bool) -> FigureView:
    """One figure for an export (KeyError when no such figure is registered)."""
    figure_def = registry.get(figure_id)
    return FigureView(figure_def, registry.compute(figure_id, filters, reveal=reveal))


def table_rows(view: FigureView) -> tuple[list[str], list[list]]:
    """The figure's table as an export writes it: a header and rows of typed values; a value that is unknown or
    suppressed is an empty cell with its reason in the "Note" column (never 0)."""
    unit = str(view.figure.unit)
    if view.is_number:
        header = [str(_("Figure")), str(_("Value (%(unit)s)") % {"unit": unit}), str(_("Note"))]
        return header, [[str(view.figure.label), view.result.value if view.is_plain_value else None, _note(view.result)]]
    key_header = str(_("Year")) if view.figure.kind == SERIES else str(_("Code"))
    header = [key_header, str(_("Name")), str(_("Value (%(unit)s)") % {"unit": unit}), str(_("Note"))]
    rows = [
        [row.key, str(row.label), None if (row.unknown or row.suppressed) else row.value, _note(row)] for row in view.result.rows
    ]
    return header, rows


def _note(item) -> str:
    if item.suppressed:
        return str(_("fewer than 5: not shown"))
    if item.unknown or item.value is None:
        return str(_("unknown"))
    return ""


__all__ = ["Board", "FigureView", "Section", "dashboard", "figure_view", "format_value", "table_rows"]
