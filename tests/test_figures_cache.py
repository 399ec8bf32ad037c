"""Public and observers' aggregate figures are computed once per PONTIS_FIGURES_CACHE_SECONDS, not per visit.

Before: the landing page counted every expert and deployment on each visit (0.2 s at stress size), an observer's
home page computed the roster statistics (1.5 s).
"""

import pytest
from django.core.cache import cache

from pontis.core.selectors import facility_figures
from tests.queries import count_queries


@pytest.fixture
def figures_cached(settings):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_the_landing_page_counts_once(client, figures_cached):
    first, response = count_queries(lambda: client.get("/"), warm=False)
    assert response.status_code == 200
    again, response = count_queries(lambda: client.get("/"), warm=False)
    assert again == 0 and first > 0  # an anonymous visitor: no session, nothing else to read
    assert response.context["figures"] == facility_figures()


@pytest.mark.django_db
def test_the_observer_home_reads_the_statistics_once(client, observer, figures_cached):
    client.force_login(observer)
    client.get("/")
    warm, _r = count_queries(lambda: client.get("/"), warm=False)
    cache.delete_many([k for k in ("pontis:figures:expert-statistics:en",)])
    cold, _r = count_queries(lambda: client.get("/"), warm=False)
    assert cold > warm


@pytest.mark.django_db
def test_zero_turns_the_cache_off(client, settings):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 0
    first, _r = count_queries(lambda: client.get("/"), warm=False)
    again, _r = count_queries(lambda: client.get("/"), warm=False)
    assert first == again > 0
