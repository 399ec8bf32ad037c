"""Publishing the IATI file: what goes in, what is left out and reported, last-updated that moves only on change,
withdrawn Actions, the public route with ETag/Last-Modified/304, export_iati, the staff page and "check now"."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree

from pontis.knowledge.models import PublishedAction
from pontis.reports.iati import publish
from pontis.reports.iati.validate import validate_activity, validate_file
from pontis.reports.models import IatiRecord
from tests.queries import assert_flat, count_queries

from .test_iati_build import make_action
from .test_iati_serving import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"
T1 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
T3 = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _copies_on_a_temporary_disk(settings, tmp_path):
    """This host's copies of the file (``publish.file_dir()``) in the test's own directory."""
    settings.PONTIS_IATI_FILE_DIR = str(tmp_path / "iati-copies")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def identifiers_in(content: bytes) -> list[str]:
    return etree.fromstring(content).xpath("iati-activity/iati-identifier/text()")


def test_only_public_actions_and_last_updated_moves_only_when_the_content_changes():
    kept = make_action("2016-01")
    make_action("2016-02", published=False)
    first = publish.refresh(now=T1)
    assert identifiers_in(first.content) == ["XI-IATI-PONTIS-2016-01"]
    record = IatiRecord.objects.get(action=kept)
    assert (record.published, record.last_updated, record.first_published_at) == (True, T1, T1)
    # Checked again with nothing changed: same time, same bytes.
    second = publish.refresh(now=T2)
    record.refresh_from_db()
    assert record.last_updated == T1 and record.checked_at == T2
    assert second.content == first.content and second.etag == first.etag
    assert etree.fromstring(second.content).xpath("iati-activity/@last-updated-datetime") == ["2026-11-01T09:00:00+00:00"]
    # The title changes: the time moves.
    kept.title = {"en": "A new title"}
    kept.save()
    third = publish.refresh(now=T3)
    record.refresh_from_db()
    assert record.last_updated == T3
    assert third.etag != first.etag
    assert etree.fromstring(third.content).get("generated-datetime") == "2026-11-03T09:00:00+00:00"


def test_an_invalid_action_is_reported_instead_of_exported():
    make_action("2016-01")
    broken = make_action("2016-02", start=None, launched=None)
    published = publish.refresh(now=T1)
    assert identifiers_in(published.content) == ["XI-IATI-PONTIS-2016-01"]
    (left_out,) = published.left_out
    assert left_out.action == broken
    record = IatiRecord.objects.get(action=broken)
    assert record.published is False and record.first_published_at is None
    fields = {problem["field"] for problem in record.problems}
    assert "start_date" in fields
    assert all(problem["messages"]["en"] for problem in record.problems)
    assert set(record.problems[0]["messages"]) == {"en", "fr", "es", "pt", "ru"}
    # The file itself is valid, as a whole.
    assert validate_file(etree.fromstring(published.content)) == []


def test_a_withdrawn_action_stays_in_the_file_as_cancelled():
    action = make_action("2016-01")
    publish.refresh(now=T1)
    PublishedAction.objects.filter(action=action).update(is_published=False)
    published = publish.refresh(now=T2)
    (activity,) = etree.fromstring(published.content).findall("iati-activity")
    assert activity.findtext("iati-identifier") == "XI-IATI-PONTIS-2016-01"
    assert activity.find("activity-status").get("code") == "5"
    assert activity.get("last-updated-datetime") == "2026-11-02T09:00:00+00:00"
    assert published.outcomes[0].withdrawn is True
    # An Action never published and then taken off the portal is not in the file.
    make_action("2016-02", published=False)
    assert identifiers_in(publish.refresh(now=T3).content) == ["XI-IATI-PONTIS-2016-01"]


def test_the_public_route_sends_etag_and_last_modified_and_answers_304():
    action = make_action("2016-01")
    client = Client()
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(body(response))
    assert root.get("version") == "2.03"
    assert [validate_activity(activity) for activity in root] == [[]]
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified == http_date(IatiRecord.objects.get().last_updated.timestamp())
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # The content changes: a new file, a new ETag.
    action.title = {"en": "Changed"}
    action.save()
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Changed" in body(changed)


def test_the_route_is_built_once_while_nothing_changes():
    make_action("2016-01")
    client = Client()
    client.get(URL)
    checked = IatiRecord.objects.get().checked_at
    queries, response = count_queries(lambda: client.get(URL), warm=False)
    assert response.status_code == 200
    assert IatiRecord.objects.get().checked_at == checked  # served from the kept file, not checked again
    assert queries <= 7  # the sources' fingerprint (6) and the kept file's row


def test_export_iati_writes_the_file_and_says_what_it_left_out(tmp_path):
    make_action("2016-01")
    make_action("2016-02", start=None, launched=None)
    out = io.StringIO()
    target = tmp_path / "activities.xml"
    call_command("export_iati", str(target), stdout=out)
    assert identifiers_in(target.read_bytes()) == ["XI-IATI-PONTIS-2016-01"]
    text = out.getvalue()
    assert "1 activities written" in text
    assert "2016-02 (XI-IATI-PONTIS-2016-02)" in text
    assert "Start date:" in text


def test_the_staff_page_lists_what_to_fix_with_a_link_and_check_now(officer, observer):
    make_action("2016-01")
    make_action("2016-02", summary={})
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("reports:iati"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "XI-IATI-PONTIS-2016-01" in html
    assert reverse("portal:manage", kwargs={"code": "2016-02"}) in html  # the summary is edited there
    assert "No: left out" in html
    response = client.post(reverse("reports:iati_check"))
    assert response.status_code == 302
    assert IatiRecord.objects.count() == 2  # the build it queued ran (the tests' task backend runs it at once)
    observer_client = Client()
    observer_client.force_login(observer)
    assert observer_client.get(reverse("reports:iati")).status_code == 403
    assert observer_client.post(reverse("reports:iati_check")).status_code == 403


def test_the_staff_page_costs_the_same_queries_with_more_actions(officer):
    make_action("2016-01")
    client = Client()
    client.force_login(officer)
    small, _ = count_queries(lambda: client.get(reverse("reports:iati")))
    for number in range(2, 8):
        make_action(f"2016-{number:02d}", summary={} if number % 2 else None)
    client.get(reverse("reports:iati"))  # builds the file again (the sources changed), then measure the page
    large, page = count_queries(lambda: client.get(reverse("reports:iati")))
    assert page.status_code == 200
    assert_flat(small, large)


def test_the_demo_facility_exports_a_real_file_of_several_valid_activities():
    call_command(
        "load_demo",
        "--only",
        "foundation",
        "--only",
        "actions",
        "--only",
        "ownership-coordinators",
        "--only",
        "intake",
        "--only",
        "actions-approvals",
        "--only",
        "ownership-owners",
        "--only",
        "knowledge",
        stdout=io.StringIO(),
    )
    published = publish.refresh(now=timezone.now())
    root = etree.fromstring(published.content)
    activities = root.findall("iati-activity")
    assert len(activities) >= 5
    assert len(activities) == PublishedAction.objects.filter(is_published=True).count()
    assert published.left_out == []
    for activity in activities:
        assert validate_activity(activity) == []
    assert validate_file(root) == []
    assert all(activity.find("description/narrative").text for activity in activities)
