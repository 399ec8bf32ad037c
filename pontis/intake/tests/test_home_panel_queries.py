"""The home panels of requests read what they show: a count and five titles, in one query at any size.

Before: each panel also loaded the countries, themes and institutions of its five requests (three more queries on
every staff, committee and focal point home page), which the panel never shows.
"""

import pytest
from django.test import RequestFactory

from pontis.intake import home
from tests.queries import assert_flat, count_queries


@pytest.mark.django_db
def test_my_requests_panel_reads_a_count_and_the_rows_only(make_request, focal_point):
    http = RequestFactory().get("/")
    http.user = focal_point
    make_request("submitted")
    small, panel = count_queries(lambda: home.my_requests_panel(http))
    assert panel["total"] == 1 and len(panel["items"]) == 1
    assert small == 1  # the five shown and the count, together
    for _ in range(home.PANEL_SIZE + 2):
        make_request("submitted")
    large, panel = count_queries(lambda: home.my_requests_panel(http))
    assert panel["total"] == home.PANEL_SIZE + 3 and len(panel["items"]) == home.PANEL_SIZE
    assert_flat(small, large)
