"""A statistics route whose figures are kept reads them as one entry of the figures cache (not one read per figure),
answers exactly what it answered figure by figure, and once that entry has aged answers it at once while the task
computes the route's figures and the entry again; the figures' queries run with their settings (``work_mem``, no
JIT) and leave the connection's as they were."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection

from pontis.core import selectors
from pontis.experts.models import Deployment
from pontis.reports.api_stats import ACTIONS, EXPERTS, PARTICIPANTS
from pontis.reports.figures import registry
from pontis.reports.figures.common import figures_settings
from pontis.reports.figures.filters import Filters

from .test_figures import world
from .test_figures_refresh import cached, clock  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
D = datetime.date
ROUTES = {"/api/v1/stats/actions": ACTIONS, "/api/v1/stats/participants": PARTICIPANTS, "/api/v1/stats/experts": EXPERTS}


@pytest.fixture
def figure_reads(monkeypatch):
    """The keys of the figures cache read (``cached_figures``' reads)."""
    keys = []

    class Reads:
        def get(self, key, *args, **kwargs):
            keys.append(key)
            return cache.get(key, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(cache, name)

    monkeypatch.setattr(selectors, "cache", Reads())
    return keys


def _figure_by_figure(figures, filters, reveal):
    answer = {}
    for key, figure_id in figures.items():
        json = registry.compute(figure_id, filters, reveal=reveal).as_json()
        answer[key] = {} if json is None and registry.get(figure_id).kind != registry.NUMBER else json
    return answer


@pytest.mark.usefixtures("cached", "clock")
@pytest.mark.parametrize("url", list(ROUTES))
def test_a_kept_route_reads_the_figures_cache_once_and_answers_each_figure(api_client, observer, figure_reads, url):
    world()
    client = api_client(observer)
    query = {"region": "west_africa", "from": "2012-01-01"}
    first = client.get(url, query).json()
    figure_reads.clear()
    again = client.get(url, query).json()
    assert again == first
    assert len(figure_reads) == 1, figure_reads  # one entry for the route's figures, not one per figure
    filters = Filters(region="west_africa", date_from=D(2012, 1, 1))
    cache.clear()  # the same figures computed one by one
    assert {k: again[k] for k in ROUTES[url]} == _figure_by_figure(ROUTES[url], filters, reveal=False)


@pytest.mark.usefixtures("cached")
def test_an_aged_route_is_answered_at_once_then_with_the_figures_computed_again(
    api_client,
    officer,
    clock,  # noqa: F811
):
    world()
    client = api_client(officer)
    first = client.get("/api/v1/stats/experts").json()
    deployment = Deployment.objects.exclude(status="cancelled").order_by("pk").first()
    Deployment.objects.create(
        profile=deployment.profile,
        activity=deployment.activity,
        start_date=deployment.start_date + datetime.timedelta(days=30),
        end_date=deployment.end_date + datetime.timedelta(days=30),
        status="completed",
    )
    assert client.get("/api/v1/stats/experts").json() == first  # fresh: kept
    clock[0] += 301
    # The test profile runs tasks at once: this read queues the refresh of the route's figures, which runs before
    # the read answers; the read still answers the kept entry and its time.
    stale = client.get("/api/v1/stats/experts").json()
    assert stale == first
    fresh = client.get("/api/v1/stats/experts").json()
    assert fresh["deployments"] == first["deployments"] + 1
    assert fresh["as_of"] > first["as_of"]


def _settings():
    if connection.vendor != "postgresql":
        return None  # SQLite has no such settings: the block changes nothing
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
        return cursor.fetchone()


def test_the_figures_settings_hold_inside_the_block_only_and_nest():
    before = _settings()
    tuned = None if before is None else ("64MB", "off")
    with figures_settings():
        assert _settings() == tuned
        with figures_settings():
            assert _settings() == tuned
        assert _settings() == tuned  # the inner block changed nothing
    assert _settings() == before
