"""Background work of the reports app (django-tasks): thin wrappers that load a job by id and call its builder.
Idempotent: a job already finished or cancelled is left alone."""

from __future__ import annotations

from django_tasks import task  # noqa: F401

# -- annual report (annual.py) --


@task()
def build_annual_report(job_id: int) -> bool:
    """Build a queued annual report; only a QUEUED job is claimed, so a second run does nothing."""
    from .annual import annual_report_build

    return annual_report_build(job_id=job_id)


# -- large exports (exports.py) --


@task()
def run_export(job_id: int) -> bool:
    """Build an export of every dashboard table; only a QUEUED job is claimed, so a second run does nothing."""
    from .exports import export_job_run

    return export_job_run(job_id=job_id)
