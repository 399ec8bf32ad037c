"""Actions and countries: how many, where, on what, since when. One query per figure."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import translate
from pontis.core.models import Country

from . import columns
from .common import places_counted
from .filters import Filters
from .registry import BREAKDOWN, NUMBER, SERIES, Result, Row, data_as_of, figure, shared


def actions_found(filters: Filters) -> dict:
    """What the Action figures count of the Actions the filters select (``columns.actions_facts``: from the facts
    kept as columns, the same numbers as counting ``common.actions_in``), shared by them through the figures
    cache; the figures are as of the facts' time."""
    found = shared(f"actions-facts:{filters.key}", lambda: columns.actions_facts(filters))
    data_as_of(found["as_of"])
    return found


UNIT_ACTIONS = _("Actions")
UNIT_COUNTRIES = _("countries")


@figure("actions.total", label=_("Actions"), unit=UNIT_ACTIONS, kind=NUMBER, section="actions", order=10,
        definition=_("Actions not cancelled that ran at some time in the period (started on or before its last day "
                     "and not ended before its first), in the region, theme and country chosen."))
def actions_total(filters: Filters) -> Result:
    return Result("actions.total", value=actions_found(filters)["total"])


@figure("actions.countries", label=_("Countries supported"), unit=UNIT_COUNTRIES, kind=NUMBER, section="actions",
        order=20,
        definition=_("Countries that are among the countries of at least one of the Actions counted in "
                     "\"Actions\"."))
def countries_supported(filters: Filters) -> Result:
    return Result("actions.countries", value=len(actions_found(filters)["countries"]))


@figure("actions.by_region", label=_("Actions by region"), unit=UNIT_ACTIONS, kind=BREAKDOWN, chart="bar",
        section="actions", order=30,
        definition=_("The Actions counted in \"Actions\", by region: the Action's own region and the regions of its "
                     "countries. An Action whose countries lie in two regions counts in both, so the rows can add up "
                     "to more than the total."))
def actions_by_region(filters: Filters) -> Result:
    rows = places_counted("region", actions_found(filters)["region"])
    return Result("actions.by_region", rows=tuple(Row(r.code, r.label or r.code, n) for r, n in rows))


@figure("actions.by_theme", label=_("Actions by thematic area"), unit=UNIT_ACTIONS, kind=BREAKDOWN, chart="bar",
        section="actions", order=40,
        definition=_("The Actions counted in \"Actions\", by thematic area. An Action with two thematic areas counts "
                     "in both, so the rows can add up to more than the total."))
def actions_by_theme(filters: Filters) -> Result:
    rows = places_counted("theme", actions_found(filters)["theme"])
    return Result("actions.by_theme", rows=tuple(Row(t.code, t.label or t.code, n) for t, n in rows))


@figure("actions.by_year", label=_("Actions by year of start"), unit=UNIT_ACTIONS, kind=SERIES, chart="timeline",
        section="actions", order=50,
        definition=_("The Actions counted in \"Actions\", by the year of their start date. Actions without a start "
                     "date are counted under \"No start date\"."))
def actions_by_year(filters: Filters) -> Result:
    counts = dict(actions_found(filters)["years"])
    undated = counts.pop(None, 0)
    rows = [Row(str(y), str(y), counts.get(y, 0)) for y in (range(min(counts), max(counts) + 1) if counts else ())]
    if undated:
        rows.append(Row("undated", gettext("No start date"), undated))
    return Result("actions.by_year", rows=tuple(rows))


@figure("actions.by_country", label=_("Actions by country"), unit=UNIT_ACTIONS, kind=BREAKDOWN, chart="map",
        section="actions", order=60,
        definition=_("The Actions counted in \"Actions\", by country (ISO 3166-1 code). An Action with several "
                     "countries counts in each; countries without an Action are left out."))
def actions_by_country(filters: Filters) -> Result:
    counts = actions_found(filters)["country"]
    countries = Country.objects.filter(pk__in=counts).order_by("code").values_list("pk", "code", "name") if counts else ()
    return Result("actions.by_country",
                  rows=tuple(Row(code, _country_label(code, name), counts[pk]) for pk, code, name in countries))


def _country_label(code, name):
    return translate(name) or code
