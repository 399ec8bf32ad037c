"""Background work: thin, idempotent wrappers around services."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import ImportJob


@task()
def run_import(job_id: int) -> None:
    """Run a web import; progress is written to its ImportJob row, which the page polls. Safe to run twice."""
    from .services.imports import ImportFileError, import_deployments, import_roster, read_rows

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).first()
    if job is None:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total)

    try:
        with job.file.open("rb") as handle:
            rows = read_rows(handle, name=job.file.name)
        ImportJob.objects.filter(pk=job.pk).update(total=len(rows))
        importer = import_roster if job.kind == ImportJob.Kind.ROSTER else import_deployments
        report = importer(rows, partial=job.partial, by=job.created_by, progress=progress)
    except ImportFileError as exc:
        report = {"errors": [{"row": 0, "messages": [str(exc.message)]}], "warnings": [], "imported": False}
    report = {k: ([{"row": i["row"], "messages": [str(m) for m in i["messages"]]} for i in v]
                  if k in ("errors", "warnings") else v) for k, v in report.items()}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE if report.get("imported") else ImportJob.Status.FAILED, report=report,
        finished_at=timezone.now())


@task()
def remind_reconfirmation() -> int:
    from .services import profiles_remind_reconfirmation

    return profiles_remind_reconfirmation()


def enqueue_import(job: ImportJob) -> None:
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
