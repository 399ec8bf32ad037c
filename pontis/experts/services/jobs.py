"""Running a web import in the background, and noticing one whose worker died.

A job moves QUEUED -> RUNNING -> DONE | FAILED. The worker claims it with a conditional UPDATE (only a QUEUED job
can be claimed, so two workers, or a retried task, run it once) and writes a heartbeat on every progress step.
A RUNNING job whose heartbeat is older than ``IMPORT_STALE_AFTER`` belongs to a worker that ended (killed,
out of memory, machine restarted): ``import_jobs_recover_stale`` queues it again, so it finishes by itself. That is
safe because the imports are idempotent (profiles are keyed by e-mail, deployments by expert, activity and dates):
the rows the dead worker committed are found unchanged, the others are written, each row ends up there once. A job
claimed ``IMPORT_MAX_ATTEMPTS`` times (a file that kills its worker every time) is marked FAILED with a message the
page shows instead. The check runs periodically in the worker and whenever a job page is viewed.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from ..tasks import enqueue_import
from .imports import ImportFileError, import_deployments, import_roster, read_rows

# Longer than the slowest step between two heartbeats (validating a 100,000-row file takes well under a minute).
IMPORT_STALE_AFTER = datetime.timedelta(minutes=15)
# A job is claimed at most this many times; a file whose import ends its worker every time then fails visibly.
IMPORT_MAX_ATTEMPTS = 3


def _plain(report: dict) -> dict:
    """The report with translated messages as plain strings, ready for the JSON column."""
    return {k: ([{"row": i["row"], "messages": [str(m) for m in i["messages"]]} for i in v]
                if k in ("errors", "warnings") else v) for k, v in report.items()}


def import_job_run(*, job_id: int) -> bool:
    """Run a queued import once. Answers False when the job is not QUEUED (already run, running or gone).

    Rows are written in batches (see imports.py); progress and the heartbeat go to the job row, which the page polls.
    An unexpected error marks the job FAILED (with a message) before it propagates, so it never stays RUNNING.
    """
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1):
        return False
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total, heartbeat_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            rows = read_rows(handle, name=job.file.name)
        ImportJob.objects.filter(pk=job.pk).update(total=len(rows), heartbeat_at=timezone.now())
        importer = import_roster if job.kind == ImportJob.Kind.ROSTER else import_deployments
        report = importer(rows, partial=job.partial, by=job.created_by, progress=progress)
    except ImportFileError as exc:
        report = {"errors": [{"row": 0, "messages": [str(exc.message)]}], "warnings": [], "imported": False}
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            report={"imported": False, "stopped": _("The import failed with an unexpected error. "
                                                    "The operators have the details in the worker's log.")})
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE if report.get("imported") else ImportJob.Status.FAILED, report=_plain(report),
        finished_at=timezone.now())
    return True


def import_jobs_recover_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again every RUNNING import whose worker stopped sending heartbeats, or mark it FAILED once it has been
    claimed IMPORT_MAX_ATTEMPTS times; answers how many jobs were moved.

    Safe to run any number of times, from any process: each job is moved by a conditional UPDATE that only a job
    still RUNNING with an old heartbeat matches, and its task is queued only if that UPDATE committed.
    """
    now = now or timezone.now()
    limit = now - IMPORT_STALE_AFTER
    stale = Q(status=ImportJob.Status.RUNNING) & (Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit))
    count = 0
    for job in ImportJob.objects.filter(stale).only("pk", "processed", "total", "attempts"):
        if job.attempts < IMPORT_MAX_ATTEMPTS:
            with transaction.atomic():
                moved = ImportJob.objects.filter(stale, pk=job.pk).update(
                    status=ImportJob.Status.QUEUED, started_at=None, heartbeat_at=None)
                if moved:
                    enqueue_import(job)
            count += moved
            continue
        message = _("The import stopped before it finished: the background worker ended. %(done)s of %(total)s rows "
                    "were processed. Upload the file again to finish it; rows already imported are recognised and "
                    "not duplicated.") % {"done": job.processed, "total": job.total}
        count += ImportJob.objects.filter(stale, pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=now, report={"imported": False, "stopped": message})
    return count
