"""Exports of the dashboard's tables: CSV (a plain table) and XLSX (with "About this export"), formulas
neutralised, unknown and suppressed values never 0, the filters carried; the export of every table as a report
job built in the task worker, with progress and a download; access and the access log."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pontis.core.models import AuditEvent
from pontis.reports.models import ReportJob
from tests.factories import user_with_role

from . import test_dashboard as page_tests

# The page's tests' fixtures, shared: the test figures (the registry swapped), an officer, a donor observer.
own_figures, staff, donor, _actions = page_tests.own_figures, page_tests.staff, page_tests.donor, page_tests._actions


def _url(figure_id, fmt, query=""):
    return reverse("reports:dashboard_table_export", args=[figure_id, fmt]) + (f"?{query}" if query else "")


def _csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_is_the_plain_table_with_formulas_neutralised(client, staff, own_figures):
    client.force_login(staff)
    response = client.get(_url("t.formula", "csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="t.formula-all.csv"' in response["Content-Disposition"]
    assert _csv(response) == [["Code", "Name", "Value (things)", "Note"],
                              ["x", "'=HYPERLINK(\"http://evil\")", "7", ""], ["y", "Plain", "0", ""]]


def test_unknown_and_suppressed_values_are_empty_with_their_reason(client, staff, donor, own_figures):
    _actions(staff, 2)
    client.force_login(staff)
    rows = _csv(client.get(_url("t.by_year", "csv")))
    assert rows[0] == ["Year", "Name", "Value (Actions)", "Note"]
    assert rows[1] == ["2014", "2014", "", "unknown"] and rows[2] == ["2015", "2015", "2", ""]
    assert _csv(client.get(_url("t.by_theme", "csv")))[1][2:] == ["2", ""]
    client.force_login(donor)
    assert _csv(client.get(_url("t.by_theme", "csv")))[1][2:] == ["", "fewer than 5: not shown"]


def test_xlsx_has_the_table_and_a_sheet_about_the_export(client, staff, own_figures):
    _actions(staff, 3, countries=("SN",))
    client.force_login(staff)
    response = client.get(_url("t.total", "xlsx", "from=2000-01-01&country=SN"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["t.total", "About this export"]
    table = [list(r) for r in book["t.total"].iter_rows(values_only=True)]
    assert table == [["Figure", "Value (Actions)", "Note"], ["Test Actions", 3, None]]
    about = dict(book["About this export"].iter_rows(values_only=True))
    assert "from 1 January 2000" in about["Filters"] and "country: Senegal" in about["Filters"]
    assert about["Filters in the address"] == "from=2000-01-01&country=SN"
    assert about["Exported by"] == str(staff) and about["Data as of"] and about["Exported at"]
    assert about["Small groups"] == "Every number is shown, small groups too."
    assert AuditEvent.objects.filter(action="export", note__contains="dashboard table t.total (xlsx").exists()


def test_bad_export_requests(client, staff, own_figures):
    client.force_login(staff)
    assert client.get(_url("no.such.figure", "csv")).status_code == 404
    assert client.get(_url("t.total", "pdf")).status_code == 404
    response = client.get(_url("t.total", "csv", "from=yesterday"))
    assert response.status_code == 400 and "There is a problem" in response.content.decode()


def test_export_access(client, donor, own_figures):
    assert client.get(_url("t.total", "csv")).status_code == 302
    client.force_login(user_with_role("focal_point"))
    assert client.get(_url("t.total", "csv")).status_code == 403
    client.force_login(donor)
    assert client.get(_url("t.total", "xlsx")).status_code == 200


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_export_of_every_table_runs_as_a_job_with_progress_and_a_download(
        client, staff, own_figures, media, django_capture_on_commit_callbacks):
    _actions(staff, 2)
    client.force_login(staff)
    data = {"format": "xlsx", "idempotency_key": "k1", "from": "2000-01-01"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:dashboard_export"), data)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard_export_job", args=[job.pk])
    assert job.kind == ReportJob.Kind.EXPORT and job.status == ReportJob.Status.DONE
    assert (job.done, job.total) == (len(own_figures), len(own_figures))
    assert job.params["filters"] == "from=2000-01-01"
    # a double submit answers the same job
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:dashboard_export"), data)
    assert ReportJob.objects.count() == 1
    page = client.get(reverse("reports:dashboard_export_job", args=[job.pk])).content.decode()
    assert "Finished" in page and reverse("reports:dashboard_export_download", args=[job.pk]) in page
    download = client.get(reverse("reports:dashboard_export_download", args=[job.pk]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == ["figures", "About this export"]
    rows = [list(r) for r in book["figures"].iter_rows(values_only=True)]
    assert rows[0] == ["Section", "Figure id", "Figure", "Code or year", "Name", "Value", "Unit", "Note"]
    assert ["Actions", "t.total", "Test Actions", None, None, 2, "Actions", None] in rows
    assert ["Actions", "t.by_year", "Test Actions by year", "2014", "2014", None, "Actions", "unknown"] in rows
    assert any(r[4] == "'=HYPERLINK(\"http://evil\")" for r in rows)
    assert AuditEvent.objects.filter(action="download", note__contains="dashboard export").exists()


def test_a_second_run_does_nothing_and_a_cancelled_job_stops(staff, own_figures, media):
    from pontis.reports.exports import export_job_run

    job = ReportJob.objects.create(kind=ReportJob.Kind.EXPORT, params={"filters": "", "format": "csv"}, language="en",
                                   requested_by=staff, cancel_requested=True)
    assert export_job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ReportJob.Status.CANCELLED and not job.file
    assert export_job_run(job_id=job.pk) is False


def test_only_staff_prepare_and_see_export_jobs(client, staff, donor, own_figures, media,
                                                django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:dashboard_export"), {"format": "csv", "idempotency_key": "k2"})
    job = ReportJob.objects.get()
    client.force_login(donor)
    assert client.post(reverse("reports:dashboard_export"), {"format": "csv"}).status_code == 403
    assert client.get(reverse("reports:dashboard_export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:dashboard_export_download", args=[job.pk])).status_code == 404
    assert "Download every table" not in client.get(reverse("reports:dashboard")).content.decode()
    client.force_login(staff)
    assert client.post(reverse("reports:dashboard_export"), {"format": "pdf"}).status_code == 400
