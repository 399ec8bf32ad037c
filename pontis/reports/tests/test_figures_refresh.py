"""Figures kept while they are computed again (stale-while-revalidate): ``cached_figures(..., refresh=...)``, the
figures of the registry and the dashboard board. Once older than PONTIS_FIGURES_CACHE_SECONDS a kept value is
still answered, with the time it was computed, and one refresh is queued; the refresh computes and stores the new
value; only a value never computed (or not asked for within PONTIS_FIGURES_KEEP_SECONDS) is computed in the
request."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from pontis.actions.tests.factories import make_action
from pontis.core import selectors
from pontis.core.selectors import cached_figures, figures_refresh
from pontis.reports.figures.definitions import actions_in  # noqa: F401 - registers the figures
from pontis.reports.figures.filters import Filters
from pontis.reports.figures.registry import compute_as_of
from tests.factories import user_with_role

CACHED = override_settings(
    PONTIS_FIGURES_CACHE_SECONDS=300, PONTIS_FIGURES_KEEP_SECONDS=86400,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "figures-refresh"}})


@pytest.fixture
def clock(monkeypatch):
    """Now, moved by the test (``time.time`` itself: the kept values and the cache's own expiry follow it)."""
    now = [1_000_000.0]
    monkeypatch.setattr(selectors.time, "time", lambda: now[0])
    return now


@pytest.fixture
def cached():
    from django.core.cache import cache

    with CACHED:
        cache.clear()
        yield
        cache.clear()


def test_a_stale_value_is_answered_and_one_refresh_is_queued(cached, clock):
    values, queued = iter([1, 2, 3]), []
    compute = lambda: next(values)  # noqa: E731
    refresh = lambda: queued.append(1)  # noqa: E731
    assert cached_figures("t", compute, refresh=refresh) == 1  # never computed: computed in the request
    clock[0] += 299
    assert cached_figures("t", compute, refresh=refresh) == 1 and queued == []  # fresh
    clock[0] += 2
    assert cached_figures("t", compute, refresh=refresh) == 1 and queued == [1]  # stale: answered, refresh queued
    assert cached_figures("t", compute, refresh=refresh) == 1 and queued == [1]  # queued once, not per reader
    with figures_refresh():  # what the task runs: computed again and kept, never read
        assert cached_figures("t", compute, refresh=refresh) == 2
    assert cached_figures("t", compute, refresh=refresh) == 2 and queued == [1]
    clock[0] += 301
    assert cached_figures("t", compute, refresh=refresh) == 2 and queued == [1, 1]  # the claim was released


def test_a_value_not_asked_for_within_the_keep_time_is_computed_again(cached, clock):
    values = iter([1, 2])
    assert cached_figures("t", lambda: next(values), refresh=lambda: None) == 1
    clock[0] += 86400 + 1  # the clock is the cache's too: the kept value has expired
    assert cached_figures("t", lambda: next(values), refresh=lambda: None) == 2


def test_a_refresh_that_cannot_be_queued_still_answers_the_kept_value(cached, clock):
    def broken():
        raise RuntimeError("queue down")

    assert cached_figures("t", lambda: 1, refresh=broken) == 1
    clock[0] += 301
    assert cached_figures("t", lambda: 2, refresh=broken) == 1  # logged, not raised; queued again next time


@pytest.mark.django_db
def test_a_registry_figure_is_answered_stale_then_refreshed_by_the_task(cached, clock):
    officer = user_with_role("officer")
    make_action(officer, countries=("CV",))
    first, first_time = compute_as_of("actions.total", Filters(), reveal=True)
    make_action(officer, countries=("CV",))
    clock[0] += 301
    # The test profile runs tasks at once (ImmediateBackend): this read queues the refresh, which runs before the
    # read answers; the read still answers the kept value and its time.
    stale, stale_time = compute_as_of("actions.total", Filters(), reveal=True)
    assert (stale.value, stale_time) == (first.value, first_time)
    fresh, fresh_time = compute_as_of("actions.total", Filters(), reveal=True)
    assert fresh.value == first.value + 1 and fresh_time > first_time


@pytest.mark.django_db
def test_the_dashboard_shows_kept_figures_with_their_time_then_the_refreshed_ones(client, cached, clock):
    officer = user_with_role("officer")
    make_action(officer, countries=("CV",))
    client.force_login(officer)
    url = reverse("reports:dashboard")

    def total(html):
        part = html[html.index('id="figure-actions-total"'):]
        part = part[part.index('dashboard-figure__value">') + len('dashboard-figure__value">'):]
        return part[:part.index("<")]

    before = total(client.get(url).content.decode())
    make_action(officer, countries=("CV",))
    assert total(client.get(url).content.decode()) == before  # fresh: unchanged
    clock[0] += 301
    assert total(client.get(url).content.decode()) == before  # stale: answered at once, refresh queued and run
    assert int(total(client.get(url).content.decode())) == int(before) + 1
