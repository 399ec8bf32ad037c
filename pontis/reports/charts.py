"""Charts drawn on the server as SVG, readable at a glance and by screen readers.

    bar_chart(result, figure_def) -> SafeString       # horizontal bars, one per row, value printed at its end
    timeline_chart(result, figure_def) -> SafeString  # one column per year, in order, value printed above it
    map_chart(result, figure_def, url_for=...) -> SafeString  # the knowledge app's work map, by country code
    chart_for(result, figure_def) -> SafeString | ""  # the chart the figure asks for (FigureDef.chart)

Each SVG has role="img", a <title> and a <desc> (the figure's definition and every number in words), so that a
screen reader reads what a sighted reader sees. Meaning is never carried by colour alone: every bar carries its
label and its value as text; a value imported history cannot know is written "unknown" and drawn as a dashed
outline (never as a bar of 0); a group too small to show to the reader is written "fewer than 5". All bars have
one colour. The table of the numbers sits beside every chart in the page: the chart is the glance, the table the
record. Every text that reaches the SVG is escaped (labels come from editable reference data).
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from pontis.knowledge.maps import CountryRow, work_map

from .figures.registry import FigureDef, Result, Row

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_WIDTH = 260
VALUE_WIDTH = 90
LABEL_CHARS = 26  # longer labels are cut in the SVG (the full label is in the bar's <title> and in the table)
COLUMN_WIDTH = 44
COLUMN_GAP = 10
COLUMN_HEIGHT = 160
TOP_MARGIN = 22  # room for the value above the tallest column
AXIS_ROOM = 24  # room for the years under the axis
BAR_COLOUR = "#1d70b8"  # GOV.UK blue; text is #0b0c0c on white (contrast above 4.5:1)
TEXT_COLOUR = "#0b0c0c"


def format_value(value) -> str:
    """A number as the reader's language writes it: whole numbers grouped, others with one decimal."""
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return number_format(int(value), force_grouping=True)


def value_text(row: Row | Result) -> str:
    """The value as words for a reader: "unknown" (never 0), "fewer than 5", or the number."""
    if row.suppressed:
        return _("fewer than 5")
    value = row.value
    if row.unknown or value is None:
        return _("unknown")
    return format_value(value)


def _known(row: Row) -> bool:
    return row.value is not None and not row.unknown and not row.suppressed


def _chart_ids(figure_def: FigureDef, chart_id: str) -> tuple[str, str]:
    base = chart_id or "chart-" + figure_def.id.replace(".", "-")
    return f"{base}-title", f"{base}-desc"


def _open(figure_def: FigureDef, rows, width: float, height: float, chart_id: str, kind: str) -> list[str]:
    title_id, desc_id = _chart_ids(figure_def, chart_id)
    words = "; ".join(f"{r.label}: {value_text(r)}" for r in rows) or _("No data for these filters.")
    return [f'<svg class="pontis-chart pontis-chart--{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
            f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{escape(title_id)}" '
            f'aria-describedby="{escape(desc_id)}" font-family="sans-serif" font-size="13" fill="{TEXT_COLOUR}">',
            f'<title id="{escape(title_id)}">{escape(str(figure_def.label))}</title>',
            f'<desc id="{escape(desc_id)}">{escape(str(figure_def.definition))} {escape(words)}</desc>']


def bar_chart(result: Result, figure_def: FigureDef, *, chart_id: str = "") -> SafeString:
    """Horizontal bars, one per row, in the rows' order, each with its label before it and its value after it."""
    rows = list(result.rows)
    top = max((r.value for r in rows if _known(r)), default=0)
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = _open(figure_def, rows, width, height, chart_id, "bar")
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" stroke="{TEXT_COLOUR}"/>')
    for i, row in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        label = Truncator(str(row.label)).chars(LABEL_CHARS)
        words = escape(f"{row.label}: {value_text(row)}")
        parts.append(f'<g class="pontis-chart__row"><title>{words}</title>')
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{text_y:g}" text-anchor="end">{escape(label)}</text>')
        if _known(row):
            length = 0 if not top else max(0.0, round(BAR_WIDTH * row.value / top, 1))
            parts.append(f'<rect class="pontis-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{length:g}" '
                         f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>')
        else:
            length = 0
        style = "" if _known(row) else ' font-style="italic"'
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:g}" y="{text_y:g}"{style}>{escape(value_text(row))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def timeline_chart(result: Result, figure_def: FigureDef, *, chart_id: str = "") -> SafeString:
    """One column per year (the rows' order), its value above it and its year below the axis; a year whose value
    is unknown is a dashed outline marked "?" (its words say "unknown"), never a column of 0."""
    rows = list(result.rows)
    top = max((r.value for r in rows if _known(r)), default=0)
    step = COLUMN_WIDTH + COLUMN_GAP
    width = max(1, len(rows)) * step + COLUMN_GAP
    height = TOP_MARGIN + COLUMN_HEIGHT + AXIS_ROOM
    axis_y = TOP_MARGIN + COLUMN_HEIGHT
    parts = _open(figure_def, rows, width, height, chart_id, "timeline")
    parts.append(f'<line x1="0" y1="{axis_y}" x2="{width}" y2="{axis_y}" stroke="{TEXT_COLOUR}"/>')
    for i, row in enumerate(rows):
        x = COLUMN_GAP + i * step
        centre = x + COLUMN_WIDTH / 2
        parts.append(f'<g class="pontis-chart__row"><title>{escape(f"{row.label}: {value_text(row)}")}</title>')
        if _known(row):
            tall = 0 if not top else max(0.0, round(COLUMN_HEIGHT * row.value / top, 1))
            parts.append(f'<rect class="pontis-chart__bar" x="{x}" y="{axis_y - tall:g}" width="{COLUMN_WIDTH}" '
                         f'height="{tall:g}" fill="{BAR_COLOUR}"/>')
            shown = format_value(row.value)
        else:
            tall = COLUMN_HEIGHT / 3
            if row.unknown or row.value is None and not row.suppressed:
                parts.append(f'<rect class="pontis-chart__unknown" x="{x}" y="{axis_y - tall:g}" '
                             f'width="{COLUMN_WIDTH}" height="{tall:g}" fill="none" stroke="{TEXT_COLOUR}" '
                             f'stroke-dasharray="4 3"/>')
                shown = "?"
            else:
                shown = "<5"
        parts.append(f'<text x="{centre:g}" y="{axis_y - tall - 5:g}" text-anchor="middle">{escape(shown)}</text>')
        parts.append(f'<text x="{centre:g}" y="{axis_y + 17}" text-anchor="middle" font-size="11">'
                     f'{escape(Truncator(str(row.label)).chars(9))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def map_chart(result: Result, figure_def: FigureDef, *, url_for=None, names: dict[str, str] | None = None) -> SafeString:
    """The knowledge app's work map, each country shaded by the row of its code (rows keyed by ISO code); the map
    already says each country's name and count in its <title>. ``url_for(code)`` links a country (the dashboard
    filtered by it); unknown or suppressed rows are left out of the shading (the table beside it says them)."""
    rows = [CountryRow(code=r.key, name=str(r.label), count=int(r.value), url=url_for(r.key) if url_for else "")
            for r in result.rows if _known(r) and r.value]
    return mark_safe(work_map(rows, names=names, title=str(figure_def.label)))  # work_map escapes every text


def chart_for(result: Result, figure_def: FigureDef, *, url_for=None, names=None) -> SafeString | str:
    """The chart the figure asks for (``FigureDef.chart``), or "" for a figure shown as a number or a table only."""
    if not result.rows:
        return ""
    if figure_def.chart == "bar":
        return bar_chart(result, figure_def)
    if figure_def.chart == "timeline":
        return timeline_chart(result, figure_def)
    if figure_def.chart == "map":
        return map_chart(result, figure_def, url_for=url_for, names=names)
    return ""
