"""The "at risk" page reads and explains only the requests of the page shown.

Before: every open request at risk was loaded with its institutions, countries and themes and explained, then
paginated in Python (2 s per page at 5,000 requests).
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pontis.intake import selectors
from pontis.intake.models import Request
from pontis.intake.views import PAGE_SIZE
from tests.queries import assert_flat, count_queries


def make_at_risk(make_request, n):
    for _ in range(n):
        make_request("submitted")
    Request.objects.update(status_changed_at=timezone.now() - datetime.timedelta(days=selectors.UNSCREENED_AFTER_DAYS + 1))


def test_at_risk_page_reads_one_page(client, make_request, officer):
    client.force_login(officer)
    make_at_risk(make_request, 2)
    small, response = count_queries(lambda: client.get(reverse("intake:at_risk")))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 2

    make_at_risk(make_request, PAGE_SIZE + 3)
    large, response = count_queries(lambda: client.get(reverse("intake:at_risk")))
    page = response.context["page"]
    assert len(page.object_list) == PAGE_SIZE and page.paginator.count == PAGE_SIZE + 5
    assert "Submitted and not screened for" in str(page.object_list[0]["why"])
    assert_flat(small, large)

    # Only the page's requests are read (the old code read all of them, then cut the list in Python).
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("intake:at_risk"))
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT \"intake_request\".\"id\"")]
    assert reads and all(f"LIMIT {PAGE_SIZE}" in sql for sql in reads)

    last = client.get(reverse("intake:at_risk"), {"page": 2}).context["page"]
    assert len(last.object_list) == 5


def test_the_rows_are_a_sliceable_sequence(make_request, officer):
    make_at_risk(make_request, 3)
    rows = selectors.requests_at_risk(officer)
    assert len(rows) == 3
    assert [r["request"].pk for r in rows] == [r["request"].pk for r in rows[0:3]]
    assert rows[1]["request"].pk == list(rows)[1]["request"].pk


def test_the_request_list_filters_without_distinct(make_request, officer):
    request = make_request("submitted")
    for filters in ({}, {"country": "PE"}, {"theme": "legal"}, {"q": "x"}):
        assert "DISTINCT" not in str(selectors.requests_visible_to(officer, **filters).query)
    country = request.countries.first()
    theme = request.themes.first()
    assert [r.pk for r in selectors.requests_visible_to(officer, country=country.code.lower())] == [request.pk]
    assert [r.pk for r in selectors.requests_visible_to(officer, theme=theme.code)] == [request.pk]
