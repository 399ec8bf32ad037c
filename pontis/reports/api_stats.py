"""The statistics API: ``GET /api/v1/stats/actions``, ``/stats/participants`` and ``/stats/experts``.

Every value is a figure of the registry (figures/registry.py, ``Result.as_json``), computed with the same filters
as the dashboard, so the API and the dashboards agree by construction (docs/reports.md, "Statistics over the
API"). Readers: the dashboard's (DashboardPolicy: staff, steering-committee members, donor observers), the
same for the three routes, as the dashboard shows the same people every figure. A breakdown of people with fewer than five in a row answers ``null`` to
readers who may not see small numbers (donor observers).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pontis.core.api_helpers import Code, OptionalDate, by_code
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.models import Country, Region, ThematicArea
from pontis.core.permissions import can

from .figures.filters import Filters
from .figures.registry import NUMBER, compute_group_as_of, get
from .permissions import Dashboard

router = Router(tags=["reports"])


class StatsFilters(Schema):
    """The filters of the dashboard (``from``/``to`` are Python keywords, hence the aliases); they combine."""

    date_from: OptionalDate = Field(None, alias="from", description="First day of the period (YYYY-MM-DD)")
    date_to: OptionalDate = Field(None, alias="to", description="Last day of the period (YYYY-MM-DD)")
    region: Code | None = Field(None, description="A region code: the Action's region or one of its countries'")
    theme: Code | None = Field(None, description="A thematic area code: one of the Action's thematic areas")
    country: Code | None = Field(None, description="A country code (ISO 3166-1 alpha-2): one of the Action's countries")


# The answer of each route: key -> figure id of the registry.
ACTIONS = {
    "total": "actions.total",
    "countries": "actions.countries",
    "by_region": "actions.by_region",
    "by_thematic_area": "actions.by_theme",
    "by_year": "actions.by_year",
    "by_country": "actions.by_country",
}
PARTICIPANTS = {
    "total": "participants.total",
    "by_gender": "participants.by_gender",
    "by_region": "participants.by_region",
    "by_thematic_area": "participants.by_theme",
    "by_year": "participants.by_year",
}
EXPERTS = {
    "total": "experts.deployed",
    "by_region": "experts.by_region",
    "by_thematic_area": "experts.by_theme",
    "by_year": "experts.by_year",
    # The keys the roster route answered before the registry (kept for its clients).
    "registered": "experts.registered",
    "deployed": "experts.deployed",
    "deployments": "experts.deployments",
    "deployed_by_gender": "experts.by_gender",
    "deployed_by_background": "experts.by_background",
    "deployed_eu": "experts.eu",
    "government_experts_by_eu_member_state": "experts.government_by_member_state",
}


def filters_from(query: StatsFilters) -> Filters:
    """The registry's filters from the query string: a period that ends before it starts, or an unknown code, is a
    422 naming the parameter."""
    if query.date_from and query.date_to and query.date_to < query.date_from:
        message = _("'to' must not be before 'from'.")
        raise ValidationFailed(message, field="to", errors={"to": [message]})
    region = by_code(Region, query.region, field="region")
    theme = by_code(ThematicArea, query.theme, field="theme")
    country = by_code(Country, query.country, field="country")
    return Filters(
        date_from=query.date_from,
        date_to=query.date_to,
        region=region and region.code,
        theme=theme and theme.code,
        country=country and country.code,
    )


def figures_json(request: HttpRequest, figures: dict[str, str], filters: Filters) -> dict:
    """The figures as the registry computes them for this reader, with the period and "as of" (the time the oldest
    of them was computed: figures are cached for a few minutes). Once they have aged, the route's own figures are
    computed again in the background, not the whole dashboard's."""
    reveal = can(request.user, "see_small_numbers", Dashboard)
    computed = compute_group_as_of(figures.values(), filters, reveal=reveal)  # one read of the figures cache
    answer, times = {}, []
    for key, figure_id in figures.items():
        result, computed_at = computed[figure_id]
        answer[key] = result.as_json()
        if answer[key] is None and get(figure_id).kind != NUMBER and not result.unknown:
            answer[key] = {}  # a breakdown without a row (Result.as_json answers None for it)
        times.append(computed_at)
    return {
        **answer,
        "as_of": min(times).isoformat(),
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        "region": filters.region,
        "theme": filters.theme,
        "country": filters.country,
    }


def _readable(request: HttpRequest) -> None:
    if not can(request.user, "view", Dashboard):
        raise NotAllowed()


@router.get("/stats/actions", summary="Actions in numbers (staff, committee, observers)")
def stats_actions(request: HttpRequest, filters: Query[StatsFilters]):
    """Actions not cancelled that ran in the period: ``total``, ``countries`` supported, ``by_region`` (region
    codes; an Action in two regions counts in both), ``by_thematic_area`` (theme codes; an Action with two themes
    counts in both), ``by_year`` (year of the start date), ``by_country`` (ISO codes)."""
    _readable(request)
    return figures_json(request, ACTIONS, filters_from(filters))


@router.get("/stats/participants", summary="Participants in numbers (staff, committee, observers)")
def stats_participants(request: HttpRequest, filters: Query[StatsFilters]):
    """People who took part in the activities delivered or reported that started in the period: ``total``,
    ``by_gender`` (women, men, other), ``by_region``, ``by_thematic_area``, ``by_year``. Rows of fewer than five
    people are ``null`` for donor observers."""
    _readable(request)
    return figures_json(request, PARTICIPANTS, filters_from(filters))


@router.get("/stats/experts", summary="Roster figures (readers of figures)")
def stats_experts(request: HttpRequest, filters: Query[StatsFilters]):
    """Registered and deployed experts: ``total`` (experts deployed in the period), ``by_region``,
    ``by_thematic_area``, ``by_year`` (year a deployment started); ``registered``, ``deployed``, ``deployments``,
    ``deployed_by_gender``, ``deployed_by_background``, ``deployed_eu`` and
    ``government_experts_by_eu_member_state`` (nationality a member on the start date of one of their deployments).
    ``from``/``to`` (YYYY-MM-DD) restrict the deployment figures to deployments in that period. Rows of fewer than
    five people are ``null`` for donor observers."""
    _readable(request)
    return figures_json(request, EXPERTS, filters_from(filters))
