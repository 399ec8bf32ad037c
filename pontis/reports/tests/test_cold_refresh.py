"""A statistics route whose figures have aged queues the computation of its own figures only, not the whole
dashboard's; the dashboard still queues every figure; each route has its own claim, so one route's refresh never
holds back another's."""

from __future__ import annotations

import pytest

from pontis.reports.api_stats import ACTIONS, EXPERTS
from pontis.reports.figures import registry
from pontis.reports.figures.filters import Filters

from .test_figures import world
from .test_figures_refresh import cached, clock  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The refreshes queued, as (query, reveal, language, figure ids or None), instead of running them."""
    calls = []

    class Recorder:
        def enqueue(self, query, reveal, language, figure_ids=None):
            calls.append((query, reveal, language, None if figure_ids is None else sorted(figure_ids)))

    monkeypatch.setattr(registry, "refresh_figures", Recorder())
    return calls


def test_a_stale_statistics_route_queues_its_own_figures_only(api_client, observer, cached, clock, queued):  # noqa: F811
    world()
    client = api_client(observer)
    assert client.get("/api/v1/stats/experts", {"region": "west_africa"}).status_code == 200
    assert queued == []
    clock[0] += 301
    assert client.get("/api/v1/stats/experts", {"region": "west_africa"}).status_code == 200
    assert queued == [("region=west_africa", False, "en", sorted(set(EXPERTS.values())))]

    # Another route of the same filters has its own claim and its own figures.
    assert client.get("/api/v1/stats/actions", {"region": "west_africa"}).status_code == 200
    clock[0] += 301
    assert client.get("/api/v1/stats/actions", {"region": "west_africa"}).status_code == 200
    assert queued[1:] == [("region=west_africa", False, "en", sorted(set(ACTIONS.values())))]


def test_a_stale_dashboard_figure_still_queues_every_figure(cached, clock, queued):  # noqa: F811
    world()
    registry.compute_as_of("actions.total", Filters(), reveal=True)
    clock[0] += 301
    registry.compute_as_of("actions.total", Filters(), reveal=True)
    assert queued == [("", True, "en", None)]


def test_the_refresh_task_computes_the_figures_it_is_given(cached, clock):  # noqa: F811
    from pontis.reports.tasks import refresh_figures

    world()
    figures = sorted(set(EXPERTS.values()))
    assert refresh_figures.call("region=west_africa", False, "en", figures) == len(figures)
    assert refresh_figures.call("region=west_africa", False, "en") == len(registry.all_figures())
