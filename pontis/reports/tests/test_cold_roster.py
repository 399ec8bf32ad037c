"""The roster figures computed cold: every figure about experts deployed (deployed, deployments, by gender,
background, EU / non-EU, government experts by member state, by region, theme and year) comes from one query over
the deployments (``people._roster``). Each figure is checked here against its definition worked out deployment by
deployment in Python, for several filters, on a facility with the edge cases (a cancelled deployment, the day a
country joined or left the EU, an expert without a nationality, an Action whose own region differs from its
countries', an expert deployed in two regions and two years); a refresh reads the roster once; the query's
``work_mem`` does not outlive it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from pontis.core.models import Country, EUMembership, Region, ThematicArea
from pontis.experts.models import Background, Deployment, Gender
from pontis.experts.tests.factories import make_profile
from pontis.reports.figures import registry
from pontis.reports.figures.common import actions_of_place
from pontis.reports.figures.filters import Filters
from tests.queries import assert_flat, count_queries

from .test_figures import action, activity, deploy, world

pytestmark = pytest.mark.django_db
D = datetime.date

FILTERS = [
    Filters(),
    Filters(date_from=D(2019, 1, 1), date_to=D(2020, 12, 31)),
    Filters(date_from=D(2020, 1, 31), date_to=D(2020, 2, 1)),
    Filters(region="west_africa"),
    Filters(region="eu_neighbourhood", date_from=D(2013, 7, 1)),
    Filters(theme="legal", date_to=D(2022, 12, 31)),
    Filters(country="SN"),
    Filters(region="asia", theme="mad", country="TH"),
]
ROSTER = [
    "experts.deployed",
    "experts.deployments",
    "experts.by_gender",
    "experts.by_background",
    "experts.eu",
    "experts.government_by_member_state",
    "experts.by_region",
    "experts.by_theme",
    "experts.by_year",
]


def edge_cases():
    world()
    more()


def more():
    """More deployments on the facility of ``world()``: the first and last days of a membership, no nationality,
    an Action with its own region (Asia) and a country in West Africa, one expert in two regions and two years."""
    asia = Region.objects.get(code="asia")
    e = action("2020-01", countries=["SN"], themes=["mad", "legal"], start=D(2013, 1, 1))
    e.region = asia
    e.save(update_fields=["region"])
    f = action("2020-02", countries=["MA"], themes=["protection"], start=D(2013, 1, 1))
    e1, e2, f1 = activity(e, D(2013, 7, 1)), activity(e, D(2020, 1, 31)), activity(f, D(2020, 2, 1))
    hr = make_profile(gender="female", nationality="HR", background="government")  # joined 2013-07-01
    gb = make_profile(gender="male", nationality="GB", background="government")  # a member until 2020-01-31
    gb_late = make_profile(gender="male", nationality="GB", background="government")
    nobody = make_profile(gender="undisclosed", nationality=None, background="academia")
    hr_early = make_profile(gender="other", nationality="HR", background="government")
    deploy(hr, e1, D(2013, 7, 1))
    deploy(hr, f1, D(2020, 2, 1))
    deploy(gb, e2, D(2020, 1, 31))
    deploy(gb, e2, D(2020, 2, 3), status="cancelled")
    deploy(gb_late, f1, D(2020, 2, 1))
    deploy(nobody, e1, D(2013, 7, 1))
    deploy(nobody, f1, D(2020, 2, 1))
    deploy(hr_early, e1, D(2013, 6, 30))


def expected(filters: Filters) -> dict:
    """Each roster figure's answer (``Result.as_json``), worked out deployment by deployment."""
    actions = set(actions_of_place(filters).values_list("pk", flat=True))
    memberships: dict = {}
    for m in EUMembership.objects.all():
        memberships.setdefault(m.country_id, []).append(m)
    deployments = [
        d
        for d in Deployment.objects.exclude(status="cancelled").select_related("profile", "activity__action")
        if d.activity.action_id in actions
        and (filters.date_to is None or d.start_date <= filters.date_to)
        and (filters.date_from is None or d.end_date >= filters.date_from)
    ]
    experts = {d.profile for d in deployments}
    eu = {d.profile for d in deployments if any(m.covers(d.start_date) for m in memberships.get(d.profile.nationality_id, []))}
    regions: dict = {}
    themes: dict = {}
    years: dict = {}
    for d in deployments:
        act = d.activity.action
        places = {c.region_id for c in act.countries.all() if c.region_id} | ({act.region_id} - {None})
        for r in places:
            regions.setdefault(r, set()).add(d.profile_id)
        for t in act.themes.all():
            themes.setdefault(t.pk, set()).add(d.profile_id)
        years.setdefault(d.start_date.year, set()).add(d.profile_id)
    government: dict = {}
    for p in eu:
        if p.background == Background.GOVERNMENT:
            code = Country.objects.get(pk=p.nationality_id).code
            government[code] = government.get(code, 0) + 1
    span = range(min(years), max(years) + 1) if years else ()
    return {
        "experts.deployed": len(experts),
        "experts.deployments": len(deployments),
        "experts.by_gender": {k: sum(p.gender == k for p in experts) for k, _ in Gender.choices},
        "experts.by_background": {k: sum(p.background == k for p in experts) for k, _ in Background.choices},
        "experts.eu": {"eu": len(eu), "non_eu": len(experts) - len(eu)},
        "experts.government_by_member_state": government,
        "experts.by_region": {r.code: len(regions.get(r.pk, ())) for r in Region.objects.filter(is_active=True)},
        "experts.by_theme": {t.code: len(themes.get(t.pk, ())) for t in ThematicArea.objects.filter(is_active=True)},
        "experts.by_year": {str(y): len(years.get(y, ())) for y in span},
    }


def answered(filters: Filters) -> dict:
    out = {}
    for figure_id in ROSTER:
        result = registry.compute(figure_id, filters, reveal=True)
        out[figure_id] = result.as_json() if (result.rows or registry.get(figure_id).kind == registry.NUMBER) else {}
    return out


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.key)
def test_every_roster_figure_is_its_definition_worked_out_deployment_by_deployment(filters):
    edge_cases()
    assert answered(filters) == expected(filters)


def test_the_edges_of_eu_membership_count_on_the_first_and_last_day():
    edge_cases()
    # 2013-07-01: the Croatian expert deployed that day counts (Croatia joined), the one deployed the day before
    # does not; 2020-01-31: the British expert counts (the last day of membership), 2020-02-01 not.
    got = answered(Filters(date_from=D(2013, 6, 30), date_to=D(2013, 7, 1)))
    assert got["experts.government_by_member_state"] == {"HR": 1}
    assert got["experts.eu"] == {"eu": 1, "non_eu": 2}
    got = answered(Filters(date_from=D(2020, 1, 31), date_to=D(2020, 2, 1)))
    assert got["experts.government_by_member_state"] == {"GB": 1, "HR": 1}
    assert got["experts.eu"] == {"eu": 2, "non_eu": 2}


def test_a_refresh_of_every_figure_reads_the_deployments_once_and_then_not_while_the_facts_are_fresh(settings):
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext

    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cold-roster"}}
    cache.clear()
    try:
        edge_cases()
        table = Deployment._meta.db_table

        def deployment_reads(ctx):
            return sum(table in q["sql"] for q in ctx.captured_queries)

        with CaptureQueriesContext(connection) as ctx:  # no roster facts kept yet: read once, for every figure
            registry.refresh_all(Filters(), reveal=True)
        assert deployment_reads(ctx) == 1
        with CaptureQueriesContext(connection) as ctx:  # other filters, the facts kept and fresh
            registry.refresh_all(Filters(region="west_africa"), reveal=True)
        assert deployment_reads(ctx) == 0
    finally:
        cache.clear()


def test_the_roster_costs_the_same_queries_at_two_sizes():
    world()
    small, _ = count_queries(lambda: answered(Filters(region="west_africa")))
    more()
    large, _ = count_queries(lambda: answered(Filters(region="west_africa")))
    assert_flat(small, large)


def test_the_roster_query_leaves_the_connection_settings_as_they_were():
    world()

    def work_mem():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem')")
            return cursor.fetchone()[0]

    before = work_mem()
    assert registry.compute("experts.deployed", Filters(), reveal=True).value == 4
    assert work_mem() == before
