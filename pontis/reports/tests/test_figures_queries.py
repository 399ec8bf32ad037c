"""Computing every figure costs the same number of queries whatever the size of the facility (tests/queries.py):
one query per figure (a few for requests and feedback), never one per Action, expert or year."""

from __future__ import annotations

import datetime

import pytest

from pontis.experts.tests.factories import make_profile
from pontis.reports.figures import registry
from pontis.reports.figures.filters import Filters
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_figures import action, activity, deliverable, deploy, request, world

pytestmark = pytest.mark.django_db
D = datetime.date

FILTERS = [
    Filters(),
    Filters(date_from=D(2015, 1, 1), date_to=D(2023, 12, 31)),
    Filters(region="west_africa", theme="legal", country="SN", date_from=D(2010, 1, 1)),
]


def grow(n: int):
    """More of everything, in more years, regions, themes and countries."""
    focal = user_with_role("focal_point")
    for i in range(n):
        year = 2013 + i
        req = request(focal, submitted=D(2022, 6, 1 + i), decided=D(2022, 7, 1 + i), status="approved",
                      countries=["SN", "TH"], themes=["legal", "mad"])
        a = action(f"20{40 + i}-01", countries=["SN", "TH", "PE"], themes=["legal", "mad", "protection"],
                   start=D(year, 2, 1), request=req, requested=D(year, 1, 1), launched=D(year, 3, 1))
        act = activity(a, D(year, 3, 1), women=6, men=7, other=1)
        deliverable(a, "policy", "adopted")
        deliverable(a, "roadmap", "validated")
        for nationality, background in (("HR", "government"), ("IT", "government"), ("PE", "academia")):
            deploy(make_profile(nationality=nationality, background=background, gender="other"), act, D(year, 3, 1))


def every_figure(filters, reveal):
    return [registry.compute(f.id, filters, reveal=reveal) for f in registry.all_figures()]


@pytest.mark.parametrize("filters", FILTERS)
def test_every_figure_costs_the_same_queries_at_two_sizes(filters):
    """With the figures cache off (facts read again for every figure), and as a worker computes them (facts kept:
    about one query per figure, not one per row)."""
    world()
    small, _ = count_queries(lambda: every_figure(filters, False))
    small_kept = kept_queries(filters)

    grow(6)
    large, results = count_queries(lambda: every_figure(filters, False))
    large_kept = kept_queries(filters)

    assert_flat(small, large)
    assert_flat(small_kept, large_kept)
    assert large_kept <= 3 * len(registry.all_figures()), large_kept


def kept_queries(filters) -> int:
    """The queries of every figure computed again (``figures_refresh``) with the figures cache on and the facts
    kept and fresh, as the task worker or a reader of new filters computes them."""
    from django.core.cache import cache
    from django.test.utils import override_settings

    from pontis.core.selectors import figures_refresh
    from pontis.reports.figures import facts

    with override_settings(PONTIS_FIGURES_CACHE_SECONDS=300, CACHES={"default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures-queries"}}):
        cache.clear()
        facts._kept.clear()
        for name in ("roster", "actions", "feedback"):
            facts.build_store(name)
        try:
            with figures_refresh():
                return count_queries(lambda: every_figure(filters, False))[0]
        finally:
            cache.clear()
            facts._kept.clear()


def test_the_statistics_api_costs_the_same_queries_at_two_sizes(api_client, observer):
    world()
    client = api_client(observer)
    urls = ["/api/v1/stats/actions", "/api/v1/stats/participants", "/api/v1/stats/experts"]
    query = {"from": "2010-01-01", "region": "west_africa", "theme": "legal", "country": "SN"}
    small = [count_queries(lambda url=url: client.get(url, query))[0] for url in urls]

    grow(6)
    large = [count_queries(lambda url=url: client.get(url, query))[0] for url in urls]

    for s, la in zip(small, large, strict=True):
        assert_flat(s, la)


def test_a_figure_is_computed_once_per_cache_period_with_its_time(settings):
    from django.core.cache import cache

    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    try:
        world()
        filters = Filters(region="west_africa")
        first, (result, computed_at) = count_queries(
            lambda: registry.compute_as_of("experts.by_gender", filters, reveal=False), warm=False)
        again, (cached, cached_at) = count_queries(
            lambda: registry.compute_as_of("experts.by_gender", filters, reveal=False), warm=False)
        assert first > 0 and again == 0
        assert (cached, cached_at) == (result, computed_at)
        # Another reader kind is another entry: an observer's suppressed rows never reach an officer.
        assert registry.compute("experts.by_gender", filters, reveal=True).rows[1].value == 2
        assert registry.compute("experts.by_gender", filters, reveal=False).rows[1].value is None
    finally:
        cache.clear()
