"""Web imports run once; an import left RUNNING by a dead worker is queued again and finishes exactly once, or is
failed visibly once it has been tried IMPORT_MAX_ATTEMPTS times."""

import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pontis.experts.models import ExpertProfile, ImportJob
from pontis.experts.services.imports import import_roster, read_rows
from pontis.experts.services.jobs import IMPORT_MAX_ATTEMPTS, IMPORT_STALE_AFTER
from pontis.experts.tasks import recover_stale_imports, run_import
from tests.factories import user_with_role

from .test_imports import GOOD, HEADER

pytestmark = pytest.mark.django_db


def make_job(status=ImportJob.Status.QUEUED, rows=GOOD[:1], **fields):
    upload = SimpleUploadedFile("roster.csv", (HEADER + "\n".join(rows) + "\n").encode())
    return ImportJob.objects.create(kind=ImportJob.Kind.ROSTER, file=upload, status=status,
                                    created_by=user_with_role("officer"), **fields)


def test_import_task_run_twice_imports_once():
    job = make_job()
    assert run_import.call(job.pk) is True
    assert run_import.call(job.pk) is False  # a retry, or a second worker
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["created"] == 1
    assert job.started_at is not None and job.heartbeat_at is not None
    assert ExpertProfile.objects.count() == 1


def test_import_that_crashes_is_failed_not_left_running():
    job = make_job()
    with mock.patch("pontis.experts.services.jobs.import_roster", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.report["stopped"] and job.finished_at


def test_progress_writes_a_heartbeat():
    job = make_job()
    beats = []

    def importer(rows, *, partial, by, progress):
        progress(1, 1)
        beats.append(ImportJob.objects.get(pk=job.pk).heartbeat_at)
        return {"total": 1, "created": 0, "updated": 0, "unchanged": 1, "skipped": 0, "errors": [], "warnings": [],
                "imported": True}

    with mock.patch("pontis.experts.services.jobs.import_roster", side_effect=importer):
        run_import.call(job.pk)
    assert beats[0] is not None and beats[0] >= job.created_at


def test_import_of_a_dead_worker_is_queued_again_and_finishes_exactly_once(django_capture_on_commit_callbacks):
    # Given a worker that committed the first row's batch, then died (the job stays RUNNING, its heartbeat ages)
    old = timezone.now() - IMPORT_STALE_AFTER - datetime.timedelta(minutes=1)
    dead = make_job(ImportJob.Status.RUNNING, rows=GOOD, started_at=old, heartbeat_at=old, processed=1, total=2,
                    attempts=1)
    import_roster(read_rows(dead.file.path)[:1], by=dead.created_by)
    alive = make_job(ImportJob.Status.RUNNING, started_at=old, heartbeat_at=timezone.now(), attempts=1)

    # When the periodic check runs (twice: from two workers)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert recover_stale_imports.call() == 1  # queued again; the test backend runs the queued task at once
        assert recover_stale_imports.call() == 0
    assert len(queued) == 1

    # Then the job finished by itself, the dead worker's row recognised, every row there once
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportJob.Status.DONE and dead.attempts == 2
    assert (dead.report["created"], dead.report["unchanged"]) == (1, 1)
    assert sorted(ExpertProfile.objects.values_list("email", flat=True)) == ["ana@example.org", "jan@example.org"]
    assert alive.status == ImportJob.Status.RUNNING and alive.attempts == 1


def test_import_that_killed_its_worker_too_often_is_failed_with_a_message():
    old = timezone.now() - IMPORT_STALE_AFTER - datetime.timedelta(minutes=1)
    dead = make_job(ImportJob.Status.RUNNING, started_at=old, heartbeat_at=old, processed=2000, total=5000,
                    attempts=IMPORT_MAX_ATTEMPTS)
    alive = make_job(ImportJob.Status.RUNNING, started_at=old, heartbeat_at=timezone.now())

    assert recover_stale_imports.call() == 1
    assert recover_stale_imports.call() == 0  # safe to run twice

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportJob.Status.FAILED and dead.finished_at is not None
    assert "2000 of 5000" in dead.report["stopped"]
    assert alive.status == ImportJob.Status.RUNNING
    assert run_import.call(dead.pk) is False  # a late retry of the dead job does not start it again


def test_viewing_the_job_page_fails_a_dead_import(client):
    old = timezone.now() - IMPORT_STALE_AFTER - datetime.timedelta(minutes=1)
    job = make_job(ImportJob.Status.RUNNING, started_at=old, heartbeat_at=old, processed=10, total=50,
                   attempts=IMPORT_MAX_ATTEMPTS)
    officer = user_with_role("officer")
    client.force_login(officer)
    response = client.get(reverse("experts:import_job", args=[job.pk]))
    assert response.status_code == 200
    assert b"hx-trigger" not in response.content  # the page stops polling
    assert "10 of 50" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED

