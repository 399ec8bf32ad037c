"""The IATI staff page and public file at size: the page lists every Action in scope a page at a time with totals
over all of them, costs the same queries whatever the number of Actions, and the public route reads its sources'
fingerprint at most once in a while without ever serving another file than the one checked."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import reverse

from pontis.actions.models import Action
from pontis.knowledge.models import PublishedAction
from pontis.reports import views_iati
from pontis.reports.iati import publish
from pontis.reports.models import IatiFile
from tests.queries import assert_flat, count_queries

from .test_iati_build import make_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"
T1 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _scope():
    """Valid, invalid, withdrawn after publication, never published and never checked Actions."""
    make_action("2016-01")
    make_action("2016-02", summary={})  # left out: no public summary
    withdrawn = make_action("2016-03")
    make_action("2016-04", published=False)  # never in scope
    publish.refresh(now=T1)
    PublishedAction.objects.filter(action=withdrawn).update(is_published=False)
    publish.refresh(now=T2)
    make_action("2016-05")  # in scope, not checked yet


def test_candidates_are_the_public_actions_and_those_in_the_file_before():
    _scope()
    old = Action.objects.filter(Q(publication__is_published=True) | Q(iati_record__first_published_at__isnull=False))
    assert sorted(publish.candidates().values_list("code", flat=True)) == sorted(old.values_list("code", flat=True))
    assert sorted(publish.candidates().values_list("code", flat=True)) == ["2016-01", "2016-02", "2016-03", "2016-05"]


def test_the_totals_are_those_of_every_row():
    _scope()
    rows = publish.staff_rows("en")
    summary = publish.staff_summary()
    assert summary == {
        "in_scope": len(rows),
        "included": sum(1 for row in rows if row["included"]),
        "left_out": sum(1 for row in rows if row["checked"] and not row["included"]),
        "unchecked": sum(1 for row in rows if not row["checked"]),
        "checked_at": max((row["record"].checked_at for row in rows if row["checked"]), default=None),
    }
    # 2016-02 was checked and left out; 2016-05 came into scope after the last build: not checked, not "left out".
    assert (summary["in_scope"], summary["included"], summary["left_out"], summary["unchecked"],
            summary["checked_at"]) == (4, 2, 1, 1, T2)


def test_the_page_lists_every_action_a_page_at_a_time_with_totals_over_all(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 2)
    _scope()
    client = Client()
    client.force_login(officer)
    first = client.get(reverse("reports:iati"))
    second = client.get(reverse("reports:iati"), {"page": 2})
    assert first.status_code == second.status_code == 200
    codes = [[row["action"].code for row in page.context["rows"]] for page in (first, second)]
    assert codes == [["2016-01", "2016-02"], ["2016-03", "2016-05"]]
    for page in (first, second):
        html = page.content.decode()
        # Totals over every Action in scope, on every page (the build the page queued has run: the tests' task
        # backend runs a task as it is queued; test_iati_worker.py shows the page without it).
        assert (page.context["included"], page.context["left_out"]) == (3, 1)
        assert "3 Actions in the file." in html and "1 Action left out." in html
    assert reverse("portal:manage", kwargs={"code": "2016-02"}) in first.content.decode()
    assert "?page=2" in first.content.decode()


def test_the_page_costs_the_same_queries_with_many_more_actions(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 3)
    client = Client()
    client.force_login(officer)
    make_action("2016-01")
    make_action("2016-02", summary={})
    client.get(reverse("reports:iati"))
    small, _ = count_queries(lambda: client.get(reverse("reports:iati")))
    for number in range(3, 12):
        make_action(f"2016-{number:02d}", summary={} if number % 3 == 0 else None)
    client.get(reverse("reports:iati"))  # queues a build (the sources changed), run at once by the tests' backend
    large, page = count_queries(lambda: client.get(reverse("reports:iati")))
    assert page.status_code == 200 and len(page.context["rows"]) == 3
    assert_flat(small, large)


def test_the_public_file_reads_its_fingerprint_at_most_once_in_a_while(officer):
    action = make_action("2016-01")
    client = Client()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        first = client.get(URL)
        queries, again = count_queries(lambda: client.get(URL), warm=False)
        assert queries == 0
        assert again.content == first.content and again["ETag"] == first["ETag"]
        # A change is served once the fingerprint is read again; the build "check now" queues (run at once by the
        # tests' task backend) is served at once in this process.
        action.title = {"en": "Changed"}
        action.save()
        assert client.get(URL)["ETag"] == first["ETag"]
        publish.check_now(by=officer)
        changed = client.get(URL)
        assert changed["ETag"] != first["ETag"] and b"Changed" in changed.content
        cache.delete(publish.FINGERPRINT_KEY)  # the time is up: read again, same file, not built again
        built_at = IatiFile.objects.get().built_at
        assert client.get(URL)["ETag"] == changed["ETag"]
        assert IatiFile.objects.get().built_at == built_at
    # Without it (the default in tests), every request reads the fingerprint: a change is served at once.
    action.title = {"en": "Changed again"}
    action.save()
    assert b"Changed again" in client.get(URL).content
