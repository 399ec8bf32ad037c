"""The dashboard's figures, charts and tables as HTML, rendered once per set of filters, kind of reader and
language and kept with the figures (``cached_figures``): drawing 32 charts and tables cost more than reading the
figures from the cache.

Kept for a day and refreshed in the background once older than ``PONTIS_FIGURES_CACHE_SECONDS``: the reader who
comes after the figures aged gets the page at once with its "data as of", and the task worker renders it again
(``tasks.refresh_board``). Only the first reader of a set of filters never asked for (or not for a day) waits for
the figures to be computed.
"""

from __future__ import annotations

from dataclasses import replace

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from pontis.core.models import Country
from pontis.core.selectors import cached_figures, figures_refresh

from . import charts
from .figures.filters import Filters
from .figures.registry import computing_once
from .selectors import dashboard as dashboard_board
from .tasks import refresh_board


def _country_url(filters: Filters):
    base = reverse("reports:dashboard")

    def url_for(code: str) -> str:
        return f"{base}?{replace(filters, country=code).query_string()}"

    return url_for


def _charts(board) -> dict[str, str]:
    """Each figure's chart (SVG), by figure id; the map's country names are read once, if a map is shown."""
    names = None
    out = {}
    for section in board.sections:
        for view in section.figures:
            if view.figure.chart == "map" and names is None:
                names = {c.code: str(c) for c in Country.objects.all()}
            out[view.id] = charts.chart_for(view.result, view.figure, url_for=_country_url(board.filters), names=names)
    return out


def board_html(filters: Filters, *, reveal: bool, may_export: bool) -> dict:
    """``{"html": ..., "as_of": ...}``: the figures, charts and tables of these filters, as a reader who may
    (``reveal``) or may not see small groups, with or without export links, in the active language."""

    def render_board() -> dict:
        board = dashboard_board(filters, reveal=reveal)
        chart_of = _charts(board)
        sections = [{"section": s, "figures": [{"view": v, "chart": chart_of.get(v.id, "")} for v in s.figures]}
                    for s in board.sections]
        html = render_to_string("reports/dashboard_board.html", {
            "board": board, "sections": sections, "query": filters.query_string(), "may_export": may_export})
        return {"html": mark_safe(html), "as_of": board.as_of}  # noqa: S308 - rendered by our template

    def refresh() -> None:
        refresh_board.enqueue(filters.query_string(), bool(reveal), bool(may_export), translation.get_language())

    return cached_figures(f"dashboard:{filters.key}:{int(reveal)}:{int(may_export)}", render_board, refresh=refresh)


def board_refresh(filters: Filters, *, reveal: bool, may_export: bool, language: str) -> dict:
    """Compute the figures and render the board again, and keep them (what ``tasks.refresh_board`` runs)."""
    with translation.override(language), figures_refresh(), computing_once():
        return board_html(filters, reveal=reveal, may_export=may_export)
