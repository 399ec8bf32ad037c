"""The public map and list of where the facility works. Thin: reads the filters, one call to ``maps``, renders."""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pontis.core import selectors as reference
from pontis.core.permissions import public

from . import maps
from .portal import ActionFilters


def _filters(request, years: list[int]):
    """Read the filters leniently: an unknown value is ignored rather than answered with an error page."""
    regions = list(reference.regions(active_only=True))
    themes = list(reference.active_themes())
    region = request.GET.get("region", "")
    theme = request.GET.get("theme", "")
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    filters = ActionFilters(
        region=region if region in {r.code for r in regions} else "",
        theme=theme if theme in {t.code for t in themes} else "",
        year=year if year in years else None,
    )
    return filters, regions, themes


@public
def work_map(request):
    years = maps.map_years(request.user)
    filters, regions, themes = _filters(request, years)
    query = {k: v for k, v in (("region", filters.region), ("theme", filters.theme), ("year", filters.year)) if v}
    context = {
        "filters": filters, "filtered": bool(filters), "regions": regions, "themes": themes, "years": years,
        "legend": maps.legend_classes(), "sample_colour": maps.COLOURS[2], "scope": maps.scope_for(request.user),
        "list_query": urlencode(query),
        "description": _("Where the facility works: a map and a table of its Actions by country, with regional and "
                         "multi-country Actions."),
    }

    def draw(data):
        return render_to_string("knowledge/map/_map_body.html", {**data, **context}, request=request)

    context["map_body"] = maps.work_map_html(request.user, filters, draw)
    return render(request, "knowledge/map/map.html", context)
