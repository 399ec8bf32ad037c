"""The IATI file is built in the task worker, never inside a request: readers get the last file built at once
(the public route with its ETag, the staff page with the last check and "being prepared"), a change queues one
build however many readers and officers ask, the task's build is served next, "check now" is audited by the task in
the name of whoever asked, and the route answers 503 until a first file exists.

These tests replace the immediate task backend of the test settings with django-tasks' dummy backend, which keeps
what was queued without running it: a task runs only when the test runs it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from lxml import etree

from pontis.core.models import AuditEvent
from pontis.reports.iati import publish
from pontis.reports.models import IatiFile, IatiRecord
from pontis.reports.tasks import build_iati_file
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_iati_build import make_action
from .test_iati_serving import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"
PREPARING = "A newer check is being prepared in the background."


@pytest.fixture(autouse=True)
def _copies_on_a_temporary_disk(settings, tmp_path):
    """This host's copies of the file (``publish.file_dir()``) in the test's own directory."""
    settings.PONTIS_IATI_FILE_DIR = str(tmp_path / "iati-copies")


@pytest.fixture(autouse=True)
def queued():
    """The tasks queued during the test (kept, not run), emptied before it starts."""
    cache.clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        default_task_backend.clear()
        yield default_task_backend.results
    cache.clear()


def run_queued(queued) -> list:
    """Run what was queued, as the worker would, and empty the queue; answers what each run answered."""
    tasks = list(queued)
    queued.clear()
    return [result.task.call(*result.args, **result.kwargs) for result in tasks]


def built_file() -> dict:
    """Build and keep the file, as the task does (the tests call it directly)."""
    assert publish.build_run() is True
    state = IatiFile.objects.get()
    return {"etag": state.etag, "built_at": state.built_at, "checked_at": checked_at()}


def last_build():
    return IatiFile.objects.get().built_at


def change(action, title: str) -> None:
    action.title = {"en": title}
    action.save()


def checked_at() -> list:
    return sorted(IatiRecord.objects.values_list("checked_at", flat=True))


def test_a_request_after_a_change_answers_the_kept_file_without_building(queued, officer):
    """Same queries at two sizes, no record checked again, the old file served, one build queued."""
    first = make_action("2016-01")
    make_action("2016-02", summary={})
    staff = Client()
    staff.force_login(officer)
    anonymous = Client()
    staff.get(reverse("reports:iati"))  # per-process caches (the session, content types) filled once, unmeasured
    anonymous.get(URL)

    def after_a_change(title):
        kept = built_file()
        change(first, title)
        queued.clear()
        public_queries, public = count_queries(lambda: anonymous.get(URL), warm=False)
        assert public.status_code == 200 and public["ETag"] == kept["etag"] and title.encode() not in body(public)
        assert last_build() == kept["built_at"]  # nothing was built inside the request
        assert [result.task for result in queued] == [build_iati_file]
        queued.clear()
        publish.build_run()  # the worker's build of this change...
        change(first, title + " again")  # ...and another change, now seen by the staff page first
        kept = {"built_at": last_build()}
        page_queries, page = count_queries(lambda: staff.get(reverse("reports:iati")), warm=False)
        assert page.status_code == 200 and PREPARING in page.content.decode()
        assert last_build() == kept["built_at"]
        assert [result.task for result in queued] == [build_iati_file]
        return public_queries, page_queries

    small = after_a_change("Small")
    for number in range(3, 15):
        make_action(f"2016-{number:02d}", summary={} if number % 3 == 0 else None)
    large = after_a_change("Large")
    assert_flat(small[0], large[0])
    assert_flat(small[1], large[1])
    assert IatiRecord.objects.count() == 14


def test_the_task_builds_and_the_next_request_serves_the_new_file(queued, officer):
    action = make_action("2016-01")
    old = built_file()
    change(action, "A title the harvester has not seen")
    client = Client()
    assert client.get(URL)["ETag"] == old["etag"]
    assert run_queued(queued) == [True]
    new = client.get(URL)
    assert new.status_code == 200 and new["ETag"] != old["etag"]
    assert b"A title the harvester has not seen" in body(new)
    assert etree.fromstring(body(new)).xpath("iati-activity/iati-identifier/text()") == ["XI-IATI-PONTIS-2016-01"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=new["ETag"]).status_code == 304
    # Nothing changed since: no build asked for, and the staff page no longer says one is prepared.
    staff = Client()
    staff.force_login(officer)
    page = staff.get(reverse("reports:iati"))
    assert PREPARING not in page.content.decode() and "hx-trigger" not in page.content.decode()
    assert queued == []


def test_a_build_is_queued_once_while_one_is_waiting(queued, officer):
    action = make_action("2016-01")
    built_file()
    change(action, "Changed")
    second_officer = user_with_role("officer")
    staff, other, anonymous = Client(), Client(), Client()
    staff.force_login(officer)
    other.force_login(second_officer)
    for client in (anonymous, anonymous, staff):
        client.get(URL if client is anonymous else reverse("reports:iati"))
    staff.post(reverse("reports:iati_check"))
    staff.post(reverse("reports:iati_check"))  # a double click
    other.post(reverse("reports:iati_check"))  # a second officer
    assert [result.task for result in queued] == [build_iati_file]
    # Once the worker has started it, a new change asks for one more build (the one under way may predate it).
    assert run_queued(queued) == [True]
    change(action, "Changed again")
    anonymous.get(URL)
    anonymous.get(URL)
    assert [result.task for result in queued] == [build_iati_file]


def test_a_second_run_builds_nothing_and_a_clash_between_workers_builds_again(queued, monkeypatch):
    make_action("2016-01")
    first = built_file()
    assert publish.build_run() is False  # the same task run twice: the file is current
    assert last_build() == first["built_at"]
    # Two workers recorded the same Action's first check: the build is done again, once.
    make_action("2016-02")
    real, calls = publish.refresh, []

    def clashing(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kwargs)

    monkeypatch.setattr(publish, "refresh", clashing)
    assert publish.build_run() is True
    assert len(calls) == 2 and IatiRecord.objects.count() == 2


def test_the_public_route_answers_503_until_a_file_is_built(queued):
    make_action("2016-01")
    client = Client()
    for _ in range(2):
        response = client.get(URL)
        assert response.status_code == 503
        assert response["Retry-After"] == "120" and response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == "The IATI file is being prepared. Please try again in a few minutes."
    assert [result.task for result in queued] == [build_iati_file]
    assert IatiRecord.objects.count() == 0
    assert run_queued(queued) == [True]
    response = client.get(URL)
    assert response.status_code == 200
    assert etree.fromstring(body(response)).xpath("iati-activity/iati-identifier/text()") == ["XI-IATI-PONTIS-2016-01"]


def test_the_kept_file_outlives_the_cache(queued):
    make_action("2016-01")
    kept = built_file()
    cache.clear()  # evicted, or the cache server restarted
    client = Client()
    response = client.get(URL)
    assert response.status_code == 200 and response["ETag"] == kept["etag"]
    assert queued == []  # served from the stored row: nothing to build


def test_the_staff_page_says_a_check_is_being_prepared_and_polls_until_it_is_done(queued, officer):
    action = make_action("2016-01")
    make_action("2016-02", summary={})
    staff = Client()
    staff.force_login(officer)
    first = staff.get(reverse("reports:iati")).content.decode()
    assert "The first check is being prepared in the background" in first
    assert "Not checked yet." in first and 'hx-trigger="every 10s"' in first
    # Before the first check nothing is "left out": both Actions are waiting for it.
    assert "0 Actions left out." in first and "2 Actions not checked yet." in first
    run_queued(queued)
    built = IatiFile.objects.get().built_at
    change(action, "Changed")
    page = staff.get(reverse("reports:iati"))
    html = page.content.decode()
    # The last check's results at once, with a note that a newer one is prepared, and the polling.
    assert PREPARING in html and "Last checked" in html and "1 Action left out." in html
    poll = page.context["poll_url"]
    assert f"since={built.isoformat().replace(':', '%3A').replace('+', '%2B')}" in poll
    assert f'hx-get="{poll.replace("&", "&amp;")}"' in html
    # Polling while it is prepared: 204, htmx keeps the page (the build's row read, nothing else, nothing queued).
    queued.clear()
    with CaptureQueriesContext(connection) as captured:
        waiting = staff.get(poll, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 204 and waiting.content == b""
    tables = [
        query["sql"]
        for query in captured.captured_queries
        if '"actions_' in query["sql"] or '"reports_' in query["sql"] or '"knowledge_' in query["sql"]
    ]
    assert len(tables) == 1 and '"reports_iatifile"' in tables[0]  # the build's row only: no fingerprint read
    assert queued == []
    # Done: the results again, without polling.
    publish.build_run()
    done = staff.get(poll, HTTP_HX_REQUEST="true")
    assert done.status_code == 200
    fragment = done.content.decode()
    assert fragment.startswith('<div id="iati-results">') and "hx-trigger" not in fragment
    assert PREPARING not in fragment and "<html" not in fragment
    # A bad "since" is only "something changed": the results, never an error.
    assert staff.get(reverse("reports:iati"), {"since": "junk", "page": "x"}, HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_the_page_being_prepared_in_every_language(queued, officer, language):
    make_action("2016-01")
    staff = Client()
    staff.force_login(officer)
    staff.cookies["django_language"] = language
    response = staff.get(reverse("reports:iati"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and 'hx-trigger="every 10s"' in response.content.decode()
    assert Client().get(URL, HTTP_ACCEPT_LANGUAGE=language).status_code == 503


def test_check_now_is_queued_and_its_audit_rows_name_the_officer(queued, officer):
    make_action("2016-01")
    make_action("2016-02", summary={})
    built_at = built_file()["built_at"]
    staff = Client()
    staff.force_login(officer)
    first = staff.post(reverse("reports:iati_check"), follow=True)
    second = staff.post(reverse("reports:iati_check"), follow=True)
    assert [str(m) for m in first.context["messages"]] == [
        "The check is being prepared. This page shows its results when it is ready."
    ]
    assert [str(m) for m in second.context["messages"]] == [
        "A check is already being prepared. This page shows its results when it is ready."
    ]
    assert PREPARING in first.content.decode()
    audit_rows = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(IatiRecord))
    assert audit_rows.count() == 0 and last_build() == built_at  # nothing done inside the requests
    # The file is current, but "check now" checks again all the same, in the officer's name.
    assert run_queued(queued) == [True]
    assert last_build() > built_at
    assert sorted(audit_rows.values_list("object_id", "actor_id", "note", "changes")) == sorted(
        (str(record.pk), officer.pk, "IATI check started by staff", {"published": record.published})
        for record in IatiRecord.objects.all()
    )
    assert IatiFile.objects.get().requested_by is None  # answered: the next build is nobody's


def test_check_now_joins_a_build_already_waiting_and_names_the_officer(queued, officer):
    action = make_action("2016-01")
    built_file()
    change(action, "Changed")
    Client().get(URL)  # a harvester's visit asked for a build
    staff = Client()
    staff.force_login(officer)
    staff.post(reverse("reports:iati_check"))
    assert [result.task for result in queued] == [build_iati_file]
    run_queued(queued)
    assert set(AuditEvent.objects.filter(note="IATI check started by staff").values_list("actor_id", flat=True)) == {officer.pk}


def test_export_iati_still_builds_at_once_and_readers_get_its_file(queued, tmp_path):
    make_action("2016-01")
    target = tmp_path / "activities.xml"
    call_command("export_iati", str(target), stdout=io.StringIO())
    response = Client().get(URL)
    assert response.status_code == 200 and body(response) == target.read_bytes()
    assert queued == []


def test_a_lost_check_now_is_queued_again_and_still_names_the_officer(queued, officer):
    make_action("2016-01")
    built_file()
    publish.check_now(by=officer)
    queued.clear()  # the task was lost (its queue emptied, say) and never started
    IatiFile.objects.update(queued_at=timezone.now() - datetime.timedelta(seconds=publish.QUEUE_CLAIM_SECONDS + 1))
    Client().get(URL)  # the next reader takes the claim again, without dropping the officer's request
    assert [result.task for result in queued] == [build_iati_file]
    run_queued(queued)
    assert AuditEvent.objects.filter(note="IATI check started by staff", actor=officer).count() == 1


def test_a_failed_build_is_no_longer_shown_as_under_way(queued, monkeypatch):
    action = make_action("2016-01")
    kept = built_file()
    change(action, "Changed")

    def failing(**kwargs):
        assert publish.build_status()["preparing"] is True  # under way while it runs
        raise RuntimeError("the database went away")

    monkeypatch.setattr(publish, "refresh", failing)
    with pytest.raises(RuntimeError):
        publish.build_run()
    assert publish.build_status()["preparing"] is False
    assert Client().get(URL)["ETag"] == kept["etag"]  # the last file is still served, and a build asked for again
    assert [result.task for result in queued] == [build_iati_file]
