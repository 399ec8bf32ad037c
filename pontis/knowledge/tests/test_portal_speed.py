"""The portal's home page and map at size: what is kept in the cache is exactly what would be drawn afresh, the
public and staff never share an entry, and a kept page costs the same queries whatever the data."""

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from pontis.knowledge.tests.portal_factories import library_item, publish_action
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

HOME = "/portal/"
MAP = "/portal/map/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|CSRFToken": "[^"]*"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _html(response) -> str:
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def _world(officer, n: int):
    for i in range(n):
        publish_action(officer, countries=("CV", "SN") if i % 2 else ("PE",), themes=("legal",))
        library_item(kind="case_study" if i % 2 else "practice")


# ---------------------------------------------------------------- the map


def test_the_kept_map_is_the_map_drawn_afresh(client, officer):
    _world(officer, 4)
    with override_settings(PONTIS_MAP_CACHE_SECONDS=0):
        fresh = _html(client.get(MAP))
        fresh_filtered = _html(client.get(MAP, {"theme": "legal"}))
    with override_settings(PONTIS_MAP_CACHE_SECONDS=60):
        first = _html(client.get(MAP))
        kept = _html(client.get(MAP))
        kept_filtered = _html(client.get(MAP, {"theme": "legal"}))
    assert fresh == first == kept
    assert fresh_filtered == kept_filtered
    assert "work-map__table" in kept and "Regional and multi-country Actions" in kept


def test_the_kept_map_costs_the_same_queries_at_two_sizes(client, officer):
    with override_settings(PONTIS_MAP_CACHE_SECONDS=60):
        _world(officer, 2)
        small, _ = count_queries(lambda: client.get(MAP))
        cache.clear()
        _world(officer, 8)
        large, response = count_queries(lambda: client.get(MAP))
    assert response.status_code == 200
    assert_flat(small, large)


def test_staff_and_the_public_never_share_a_kept_map(client, officer):
    publish_action(officer, countries=("PE",))
    publish_action(officer, countries=("SN",), published=False)
    staff = Client()
    staff.force_login(officer)
    with override_settings(PONTIS_MAP_CACHE_SECONDS=60):
        public_page = _html(client.get(MAP))
        staff_page = _html(staff.get(MAP))
        public_again = _html(client.get(MAP))
    assert "Senegal" not in public_page.split('class="work-map__table"', 1)[1]
    assert "Senegal" in staff_page.split('class="work-map__table"', 1)[1]
    assert public_again == public_page


# ---------------------------------------------------------------- the home page


def test_the_kept_home_page_is_the_home_page_drawn_afresh(client, officer):
    _world(officer, 4)
    with override_settings(PONTIS_PORTAL_CACHE_SECONDS=0):
        fresh = _html(client.get(HOME))
    with override_settings(PONTIS_PORTAL_CACHE_SECONDS=60):
        first = _html(client.get(HOME))
        kept = _html(client.get(HOME))
    assert fresh == first == kept
    assert "Latest Actions" in kept


def test_the_kept_home_page_costs_the_same_queries_at_two_sizes(client, officer):
    with override_settings(PONTIS_PORTAL_CACHE_SECONDS=60):
        _world(officer, 2)
        small, _ = count_queries(lambda: client.get(HOME))
        cache.clear()
        _world(officer, 8)
        large, response = count_queries(lambda: client.get(HOME))
    assert response.status_code == 200
    assert_flat(small, large)
    assert small == 0  # anonymous and kept: no query at all


def test_signed_in_readers_are_never_given_the_public_home_page(client, officer):
    library_item(title={"en": "Internal lessons"}, visibility="staff")
    library_item(title={"en": "Open lessons"})
    staff = Client()
    staff.force_login(officer)
    with override_settings(PONTIS_PORTAL_CACHE_SECONDS=60):
        public_page = _html(client.get(HOME))
        staff_page = _html(staff.get(HOME))
        staff_queries, _ = count_queries(lambda: staff.get(HOME))
    assert "Open lessons" in public_page and "Internal lessons" not in public_page
    assert "Internal lessons" in staff_page
    assert staff_queries > 0  # read afresh
