"""The figures panel on an Action's page is kept in the shared cache for every reader of indicators: the page asks
no response, attendance or personal link again until the cache lifetime ends; administrators (who see figures
behind fewer than five respondents) and the other readers each get their own figures."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import user_with_role

from .test_indicators_world import build_world, make_response, rating

pytestmark = pytest.mark.django_db

FIGURE_TABLES = ("feedback_response", "feedback_answer", "feedback_invitation", "events_attendance")


def _figure_reads(client, url):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in FIGURE_TABLES)], page


@pytest.fixture
def kept(settings):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_the_figures_are_computed_once_for_every_reader_of_the_same_kind(client, kept):
    # Given an Action whose activity has 7 ratings (5 of them 4 or 5) and an officer who read its page once
    world = build_world()
    url = reverse("actions:detail", args=[world["x"].code])
    client.force_login(user_with_role("officer"))
    first, page = _figure_reads(client, url)
    assert first and "71.4 %" in page

    # When another officer and a committee member read it
    client.force_login(user_with_role("officer"))
    again, page_again = _figure_reads(client, url)
    client.force_login(user_with_role("committee"))
    committee, committee_page = _figure_reads(client, url)

    # Then the figures are those of the first reading, and nothing is counted again
    assert again == committee == []
    assert "71.4 %" in page_again and "71.4 %" in committee_page


def test_administrators_and_other_readers_have_their_own_figures(client, kept):
    # Given an Action whose second activity has 3 ratings (fewer than 5 respondents: suppressed for non-admins)
    world = build_world()
    url = reverse("actions:detail", args=[world["y"].code])
    client.force_login(user_with_role("officer"))
    officer_page = client.get(url).content.decode()

    # When an administrator reads it after the officer
    client.force_login(user_with_role("admin"))
    admin_reads, admin_page = _figure_reads(client, url)

    # Then the administrator's figures are computed for them and show the small numbers, the officer's do not
    assert admin_reads
    assert "suppressed" in officer_page and "66.7 %" not in officer_page
    assert "66.7 %" in admin_page


def test_without_the_cache_a_new_response_shows_at_once(client):
    # Given the test profile's default (no figures kept) and an Action's page read once
    world = build_world()
    url = reverse("actions:detail", args=[world["x"].code])
    client.force_login(user_with_role("officer"))
    assert "5 of 7 ratings" in client.get(url).content.decode()

    # When one more satisfied rating is given
    make_response(world["q1"], world["v1"], day=world["a1"].start_date, answers=[rating("overall", 5)])

    # Then the page counts it
    assert "6 of 8 ratings" in client.get(url).content.decode()
