"""The annual report: request, build in the task worker (stages, snapshot, restatements, cancel, failure), the
tagged PDF in the chosen language, and its pages (progress, confirmation, download with audit, access)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pontis.actions.models import Deliverable
from pontis.actions.tests.factories import make_action, sop
from pontis.core.errors import Conflict, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from pontis.knowledge.models import PublishedAction
from pontis.knowledge.tests.portal_factories import library_item
from pontis.reports import annual, annual_content
from pontis.reports.figures import registry
from pontis.reports.figures.registry import BREAKDOWN, NUMBER, Result, Row
from pontis.reports.models import FigureSnapshot, ReportJob
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pypdf = pytest.importorskip("pypdf")

YEAR = timezone.localdate().year - 1
VALUES = {"count": 7, "a": 12, "b": 3}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def figures(monkeypatch):
    """Two figures of the test's own, and only them: a number and a breakdown of people with a small group."""
    VALUES.update({"count": 7, "a": 12, "b": 3})

    def count(filters):
        return Result("annual_test.count", value=VALUES["count"])

    def by_group(filters):
        return Result("annual_test.by_group", rows=(Row("a", "Group A", VALUES["a"]), Row("b", "Group B", VALUES["b"])))

    own = {}
    monkeypatch.setattr(registry, "_figures", own)
    registry.figure("annual_test.count", label="Test count", definition="Things counted for the test.",
                    unit="things", kind=NUMBER, order=1)(count)
    registry.figure("annual_test.by_group", label="Test people by group", definition="People of each group.",
                    unit="people", kind=BREAKDOWN, people=True, chart="bar", order=2)(by_group)
    yield own
    own.clear()


@pytest.fixture
def officer(db):
    return user_with_role("officer")


@pytest.fixture
def year_data(officer):
    action = make_action(officer)
    action.title = {"en": "Labour migration strategy", "fr": "Stratégie de migration de travail"}
    action.start_date, action.end_date = datetime.date(YEAR, 3, 1), datetime.date(YEAR, 11, 30)
    action.save(update_fields=["title", "start_date", "end_date"])
    Deliverable.objects.create(action=action, type=sop(), title={"en": "Referral procedure", "fr": "Procédure"},
                               status=Deliverable.Status.ADOPTED)
    library_item(title={"en": "Public case study"}, actions=[action])
    library_item(title={"en": "Staff only case study"}, visibility="staff", actions=[action])
    library_item(title={"en": "Draft case study"}, status="draft", actions=[action])
    # The report names the Actions published on the portal; another Action of the year is counted, not named.
    PublishedAction.objects.create(action=action, slug="labour-migration-strategy", is_published=True)
    hidden = make_action(officer, code=f"{YEAR}-02")
    hidden.title = {"en": "Unpublished border study"}
    hidden.start_date, hidden.end_date = datetime.date(YEAR, 5, 1), datetime.date(YEAR, 6, 30)
    hidden.save(update_fields=["title", "start_date", "end_date"])
    return action


def _request(by, *, language="en", key=None, execute=True, capture=None):
    with capture(execute=execute):
        job = annual.annual_report_request(year=YEAR, language=language, by=by, creation_key=key)
    job.refresh_from_db()
    return job


def _pdf(job):
    with job.file.open("rb") as handle:
        data = handle.read()
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_build_prints_a_tagged_pdf_of_the_year(figures, year_data, officer, django_capture_on_commit_callbacks):
    job = _request(officer, capture=django_capture_on_commit_callbacks)

    assert job.status == ReportJob.Status.DONE, job.error
    assert (job.stage, job.done, job.total) == ("pdf", 1, 1)
    snapshot = FigureSnapshot.objects.get(job=job)
    assert snapshot.period == f"year:{YEAR}"
    # As every reader of figures sees them: the group of 3 people is suppressed.
    assert snapshot.values == {"annual_test.count": 7, "annual_test.by_group": {"a": 12, "b": None}}
    reader, text = _pdf(job)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert f"Annual report {YEAR}" in text
    assert "Test count" in text and "Things counted for the test." in text
    assert "fewer than 5" in text and "12" in text
    assert year_data.code in text and "Labour migration strategy" in text and "Referral procedure" in text
    assert "2 Actions ran during the year" in text and "Unpublished border study" not in text
    assert "Public case study" in text
    assert "Staff only case study" not in text and "Draft case study" not in text


def test_report_in_the_chosen_language(figures, year_data, officer, django_capture_on_commit_callbacks):
    job = _request(officer, language="fr", capture=django_capture_on_commit_callbacks)

    assert job.status == ReportJob.Status.DONE, job.error
    reader, text = _pdf(job)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Stratégie de migration de travail" in text and "Labour migration strategy" not in text


def test_a_figure_restated_later_is_noted(figures, year_data, officer, django_capture_on_commit_callbacks):
    first = _request(officer, capture=django_capture_on_commit_callbacks)
    VALUES.update({"count": 9, "a": 13})
    second = _request(officer, capture=django_capture_on_commit_callbacks)

    notes = sorted(second.params["restated"], key=lambda n: (n["figure"], n["part"]))
    assert [(n["figure"], n["part"], n["before"], n["now"], n["job"]) for n in notes] == [
        ("annual_test.by_group", "a", 12, 13, first.pk), ("annual_test.count", "", 7, 9, first.pk)]
    assert notes[0]["part_label"] == "Group A"
    _, text = _pdf(second)
    assert "Figures restated since an earlier report" in text
    assert f"(build {first.pk})" in text
    assert first.params["restated"] == [] and "Figures restated" not in _pdf(first)[1]
    # A third build with the same figures restates nothing against the second.
    third = _request(officer, capture=django_capture_on_commit_callbacks)
    assert third.params["restated"] == []


def test_double_submit_makes_one_job(figures, officer, django_capture_on_commit_callbacks):
    one = _request(officer, key="key-1", execute=False, capture=django_capture_on_commit_callbacks)
    two = _request(officer, key="key-1", execute=False, capture=django_capture_on_commit_callbacks)
    assert one.pk == two.pk and ReportJob.objects.count() == 1


def test_double_submitted_form_makes_one_job(figures, officer, client, django_capture_on_commit_callbacks):
    client.force_login(officer)
    data = {"year": YEAR, "language": "en", "idempotency_key": "form-key"}
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(reverse("reports:annual_new"), data)
        second = client.post(reverse("reports:annual_new"), data)
    job = ReportJob.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("reports:annual_job", args=[job.pk])


def test_bad_input_is_refused_with_a_message(officer, client):
    client.force_login(officer)
    response = client.post(reverse("reports:annual_new"), {"year": "1990", "language": "xx"})
    assert response.status_code == 400
    assert "Choose a year from the list." in response.content.decode()
    assert "Choose one of the languages offered." in response.content.decode()
    assert not ReportJob.objects.exists()
    with pytest.raises(ValidationFailed):
        annual.annual_report_request(year=1990, language="en", by=officer)
    with pytest.raises(ValidationFailed):
        annual.annual_report_request(year=YEAR, language="de", by=officer)
    with pytest.raises(NotAllowed):
        annual.annual_report_request(year=YEAR, language="en", by=user_with_role("observer"))


def test_a_finished_job_is_left_alone(figures, year_data, officer, django_capture_on_commit_callbacks):
    job = _request(officer, capture=django_capture_on_commit_callbacks)
    name = job.file.name
    assert annual.annual_report_build(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.file.name == name and FigureSnapshot.objects.filter(job=job).count() == 1


def test_cancel_a_waiting_build_and_a_running_one(figures, year_data, officer, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    waiting = _request(officer, execute=False, capture=django_capture_on_commit_callbacks)
    annual.annual_report_cancel(job=waiting, by=officer)
    waiting.refresh_from_db()
    assert waiting.status == ReportJob.Status.CANCELLED
    assert annual.annual_report_build(job_id=waiting.pk) is False  # the queued task then does nothing
    with pytest.raises(Conflict):
        annual.annual_report_cancel(job=waiting, by=officer)

    # A running build: staff cancel while it computes its first figure; it stops before the next one.
    compute = annual_content.compute_figure
    seen = []

    def compute_and_cancel(fd, filters):
        seen.append(fd.id)
        job = ReportJob.objects.get(status=ReportJob.Status.RUNNING)
        annual.annual_report_cancel(job=job, by=officer)
        return compute(fd, filters)

    monkeypatch.setattr(annual_content, "compute_figure", compute_and_cancel)
    running = _request(officer, capture=django_capture_on_commit_callbacks)
    assert running.status == ReportJob.Status.CANCELLED
    assert seen == ["annual_test.count"] and not running.file
    assert (running.stage, running.done) == ("figures", 1)


def test_a_failure_is_recorded_not_raised(figures, year_data, officer, monkeypatch, django_capture_on_commit_callbacks):
    def broken(context):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(annual_content, "print_pdf", broken)
    job = _request(officer, capture=django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.FAILED and job.error == "RuntimeError: no fonts"
    assert job.finished_at is not None and not job.file


def test_pages_progress_cancel_and_download(figures, year_data, officer, client, django_capture_on_commit_callbacks):
    done = _request(officer, capture=django_capture_on_commit_callbacks)
    waiting = _request(officer, execute=False, capture=django_capture_on_commit_callbacks)
    ReportJob.objects.filter(pk=waiting.pk).update(status=ReportJob.Status.RUNNING, stage="actions", done=2, total=5,
                                                   heartbeat_at=timezone.now())

    client.force_login(officer)
    page = client.get(reverse("reports:annual_list")).content.decode()
    assert 'name="idempotency_key"' in page and reverse("reports:annual_job", args=[waiting.pk]) in page
    partial = client.get(reverse("reports:annual_progress", args=[waiting.pk])).content.decode()
    assert "Listing the Actions and deliverables" in partial and "2 of 5 done" in partial
    assert 'hx-trigger="every 2s"' in partial and reverse("reports:annual_cancel", args=[waiting.pk]) in partial
    assert "hx-get" not in client.get(reverse("reports:annual_progress", args=[done.pk])).content.decode()

    url = reverse("reports:annual_cancel", args=[waiting.pk])
    confirm = client.post(url)
    assert confirm.status_code == 200 and "Cancel this build of the annual report?" in confirm.content.decode()
    assert ReportJob.objects.get(pk=waiting.pk).cancel_requested is False
    client.post(url, {"confirmed": "1"})
    assert ReportJob.objects.get(pk=waiting.pk).cancel_requested is True

    observer = user_with_role("observer")
    client.force_login(observer)
    listing = client.get(reverse("reports:annual_list")).content.decode()
    assert 'name="idempotency_key"' not in listing
    assert reverse("reports:annual_job", args=[done.pk]) in listing
    assert reverse("reports:annual_job", args=[waiting.pk]) not in listing
    assert client.get(reverse("reports:annual_job", args=[waiting.pk])).status_code == 404
    response = client.get(reverse("reports:annual_download", args=[done.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD, object_id=str(done.pk))
    assert event.actor == observer
    assert client.get(reverse("reports:annual_new")).status_code == 403
    assert client.post(reverse("reports:annual_cancel", args=[done.pk])).status_code == 403

    client.force_login(user_with_role("expert"))
    assert client.get(reverse("reports:annual_download", args=[done.pk])).status_code == 403


def test_list_page_queries_do_not_grow(officer, client):
    client.force_login(officer)

    def add_jobs(n):
        for _ in range(n):
            ReportJob.objects.create(kind=ReportJob.Kind.ANNUAL_REPORT, params={"year": YEAR}, language="en",
                                     requested_by=officer, status=ReportJob.Status.DONE, file="reports/x.pdf")

    add_jobs(2)
    small, _ = count_queries(lambda: client.get(reverse("reports:annual_list")))
    add_jobs(12)
    large, response = count_queries(lambda: client.get(reverse("reports:annual_list")))
    assert response.status_code == 200
    assert_flat(small, large)


def test_builds_with_the_registered_figures(year_data, officer, django_capture_on_commit_callbacks):
    """Whatever the figures helper registered: every figure is snapshot and the report prints."""
    job = _request(officer, capture=django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.DONE, job.error
    assert set(FigureSnapshot.objects.get(job=job).values) == {f.id for f in registry.all_figures()}
