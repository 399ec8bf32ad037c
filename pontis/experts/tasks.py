"""Background work of the roster: thin wrappers that call a service; each is safe to run twice."""

import datetime

from django.db import transaction
from django_tasks import task

from pontis.core import registry

from .models import ImportJob


# Tasks call services and services queue tasks: the task side imports the services when it runs (allowed in
# pyproject's per-file-ignores for tasks.py), so that neither module needs the other while it loads.
@task()
def run_import(job_id: int) -> bool:
    """Run a web import; only a QUEUED job is claimed, so a second run does nothing."""
    from .services import import_job_run

    return import_job_run(job_id=job_id)


@task()
def remind_reconfirmation() -> int:
    """Yearly reminder to stale experts; the notification's dedupe key makes a second run send nothing."""
    from .services import profiles_remind_reconfirmation

    return profiles_remind_reconfirmation()


@task()
def recover_stale_imports() -> int:
    """Queue again the imports whose worker died, or fail those tried too often (see services/jobs.py)."""
    from .services import import_jobs_recover_stale

    return import_jobs_recover_stale()


def enqueue_import(job: ImportJob) -> None:
    transaction.on_commit(lambda: run_import.enqueue(job.pk))


@task()
def extract_cv_text(profile_id: int, cv_name: str) -> str:
    """Extract a CV's text for search (bounded in size and time); does nothing if the CV was replaced since."""
    from .services.cv import profile_cv_text_extract

    return profile_cv_text_extract(profile_id=profile_id, cv_name=cv_name)


def enqueue_cv_text(profile) -> None:
    """Queue the extraction once the upload commits: never in the web request that received the file."""
    profile_id, cv_name = profile.pk, profile.cv.name
    transaction.on_commit(lambda: extract_cv_text.enqueue(profile_id, cv_name))


registry.periodic_task(remind_reconfirmation, every=datetime.timedelta(days=1))
registry.periodic_task(recover_stale_imports, every=datetime.timedelta(minutes=5))
