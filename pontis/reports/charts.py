"""Charts drawn on the server as SVG, readable at a glance and by screen readers.

    bar_chart(result, figure_def) -> SafeString      # horizontal bars, one per row, value printed at its end
    timeline_chart(result, figure_def) -> SafeString # one bar per year, in order

Each SVG has role="img", a <title> and a <desc> (the figure's definition and its numbers in words); meaning is
never carried by colour alone (every bar has its label and value as text). The table of the numbers sits beside
every chart in the page; the chart is the glance, the table the record.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .figures.registry import FigureDef, Result

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_WIDTH = 260
VALUE_WIDTH = 70


def _value_text(row) -> str:
    if row.suppressed:
        return "<5"
    if row.unknown or row.value is None:
        return "?"
    return f"{row.value:g}" if isinstance(row.value, float) else str(row.value)


def bar_chart(result: Result, figure_def: FigureDef, *, chart_id: str = "") -> SafeString:
    rows = list(result.rows)
    known = [r.value for r in rows if r.value is not None and not r.unknown and not r.suppressed]
    top = max(known) if known else 0
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    title_id, desc_id = f"{chart_id or figure_def.id}-title", f"{chart_id or figure_def.id}-desc"
    words = "; ".join(f"{r.label}: {_value_text(r)}" for r in rows)
    parts = [f'<svg class="pontis-chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
             f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
             f'<title id="{escape(title_id)}">{escape(str(figure_def.label))}</title>',
             f'<desc id="{escape(desc_id)}">{escape(str(figure_def.definition))} {escape(words)}</desc>']
    for i, row in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        value = row.value if (row.value is not None and not row.unknown and not row.suppressed) else 0
        length = 0 if not top else round(BAR_WIDTH * value / top, 1)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7}" text-anchor="end">{escape(row.label)}</text>')
        parts.append(f'<rect class="pontis-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT * 0.7}">{escape(_value_text(row))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def timeline_chart(result: Result, figure_def: FigureDef, *, chart_id: str = "") -> SafeString:
    return bar_chart(result, figure_def, chart_id=chart_id)
