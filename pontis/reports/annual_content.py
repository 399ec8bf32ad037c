"""What the annual report prints, unit by unit: the year's filters, each figure as a section (value or table, chart,
definition as a footnote), each Action with its deliverables, each case study; and the PDF itself.

Called by the builder (annual.py) inside ``translation.override(job.language)``, so every label, vocabulary name
and translated field comes out in the report's language. Figures are read only through the registry
(``all_figures``/``compute``), as observers see them: a report is read by every reader of figures, so groups of
fewer than five people are suppressed in it.
"""

from __future__ import annotations

import base64
import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pontis.actions.models import Deliverable
from pontis.core.i18n import translate

from .charts import bar_chart, timeline_chart
from .figures import registry
from .figures.definitions import actions_in
from .figures.filters import Filters

CHARTS = {"bar": bar_chart, "timeline": timeline_chart}


def year_filters(year: int) -> Filters:
    return Filters(date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))


def figure_defs() -> list[registry.FigureDef]:
    return registry.all_figures()


def compute_figure(fd: registry.FigureDef, filters: Filters) -> registry.Result:
    return registry.compute(fd.id, filters, reveal=False)


def shown(value, *, unknown: bool = False, suppressed: bool = False) -> str:
    """A value as the report prints it: grouped digits, "fewer than 5" when suppressed, "unknown" when unknown."""
    if suppressed:
        return _("fewer than 5")
    if unknown or value is None:
        return _("unknown")
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 1), decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


def has_chart(fd: registry.FigureDef, result: registry.Result) -> bool:
    return fd.chart in CHARTS and bool(result.rows)


def chart_image(fd: registry.FigureDef, result: registry.Result) -> dict:
    """The figure's chart as an image the PDF embeds, with a text alternative that says the numbers."""
    svg = str(CHARTS[fd.chart](result, fd))
    words = "; ".join(f"{row.label}: {shown(row.value, unknown=row.unknown, suppressed=row.suppressed)}"
                      for row in result.rows)
    return {"src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "alt": _("Chart: %(figure)s. %(numbers)s") % {"figure": fd.label, "numbers": words}}


def figure_section(fd: registry.FigureDef, result: registry.Result, chart: dict | None) -> dict:
    rows = [{"label": row.label, "value": shown(row.value, unknown=row.unknown, suppressed=row.suppressed)}
            for row in result.rows]
    value = None if rows else shown(result.value, unknown=result.unknown, suppressed=result.suppressed)
    return {"id": fd.id, "label": str(fd.label), "definition": str(fd.definition), "unit": str(fd.unit),
            "value": value, "rows": rows, "chart": chart, "note": result.note}


def restated_rows(notes: list[dict]) -> list[dict]:
    """Restatement notes in words: the figure's label, the part (a row's key), the value before and now."""
    rows = []
    for note in notes:
        try:
            label = str(registry.get(note["figure"]).label)
        except KeyError:
            label = note["figure"]
        rows.append({"figure": label, "part": note.get("part_label") or note.get("part") or "",
                     "before": shown(note["before"]) if note["before"] is not None else _("not shown"),
                     "now": shown(note["now"]) if note["now"] is not None else _("not shown"),
                     "job": note["job"], "taken_at": datetime.datetime.fromisoformat(note["taken_at"])})
    return rows


def year_actions_count(filters: Filters) -> int:
    """How many Actions ran in the year, as the figures count them (``actions_in``)."""
    return actions_in(filters).count()


def year_actions(filters: Filters):
    """The Actions of the year that the facility publishes on the portal, with what their rows print.

    The report goes to donor observers and is meant to be shared: it names only Actions whose partners agreed to
    publish them (``PublishedAction.is_published``), the same Actions as the portal and the IATI file; the others
    are in the figures and the count, not by name."""
    deliverables = Deliverable.objects.select_related("type").order_by("id")
    return (actions_in(filters).filter(publication__is_published=True).select_related("region")
            .prefetch_related("countries", "themes", Prefetch("deliverables", queryset=deliverables))
            .order_by("code"))


def _names(items) -> str:
    return ", ".join(sorted(str(translate(item.name)) for item in items))


def action_row(action) -> dict:
    return {"code": action.code, "title": str(translate(action.title)), "status": action.get_status_display(),
            "start": action.start_date, "end": action.end_date, "countries": _names(action.countries.all()),
            "themes": _names(action.themes.all()),
            "deliverables": [{"title": str(translate(d.title)), "type": str(translate(d.type.name)),
                              "status": d.get_status_display()} for d in action.deliverables.all()]}


def case_study_row(item) -> dict:
    return {"title": str(translate(item.title)), "summary": str(translate(item.summary)),
            "impact": str(translate(item.impact)), "lessons": str(translate(item.lessons)),
            "actions": ", ".join(sorted(a.code for a in item.actions.all())), "year": item.year}


def print_pdf(context: dict) -> bytes:
    """The report as a tagged PDF (PDF/UA-1: structure tags, the document's language and title, text alternatives
    for the charts), printed the way ``pontis.core.exports.pdf_response`` prints: WeasyPrint, the system's fonts."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy library (cairo, pango), loaded only when printing

    context = {**context, "restated": restated_rows(context.get("restated") or [])}
    html = render_to_string("reports/annual_pdf.html", context)
    base_url = str(settings.STATIC_ROOT or settings.BASE_DIR)
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
