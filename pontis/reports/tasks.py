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


# -- figures kept while they are computed again (registry.refresh_queue, board.board_html) --


def _filters(query: str):
    from django.http import QueryDict

    from .forms_dashboard import DashboardForm

    return DashboardForm(QueryDict(query)).filters()


@task()
def refresh_figures(query: str, reveal: bool, language: str, figure_ids: list[str] | None = None) -> int:
    """Compute the figures ``figure_ids`` (every figure when None) of the filters ``query`` again for one kind of
    reader and language; answers how many (0 when the filters no longer read as valid: a region removed since,
    for instance)."""
    from django.core.cache import cache
    from django.utils import translation

    from .figures import definitions  # noqa: F401 - registers the figures
    from .figures.registry import refresh_all, refresh_claim

    filters = _filters(query)
    if filters is None:
        return 0
    group = tuple(sorted(figure_ids)) if figure_ids is not None else None
    with translation.override(language):
        try:
            return refresh_all(filters, reveal=reveal, figure_ids=group)
        finally:
            cache.delete(refresh_claim(filters, reveal=reveal, language=language, figure_ids=group))


@task()
def refresh_board(query: str, reveal: bool, may_export: bool, language: str) -> bool:
    """Compute the figures and render the dashboard of the filters ``query`` again for one kind of reader and
    language."""
    from .board import board_refresh

    filters = _filters(query)
    if filters is None:
        return False
    board_refresh(filters, reveal=reveal, may_export=may_export, language=language)
    return True


# -- the IATI file (iati/publish.py): built and checked here, never inside a request --


@task()
def build_iati_file() -> bool:
    """Build and check the IATI file and keep it for its readers (``publish.build_run``). A run that finds the kept
    file current and no "check now" waiting builds nothing, so a second run (or a second worker) is harmless."""
    from .iati.publish import build_run

    return build_run()


# -- facts kept as columns for the figures (figures/facts.py) --


@task()
def build_facts(name: str) -> bool:
    """Read the facts ``name`` again from the database and keep them; False when a newer build was kept already."""
    from .figures import definitions  # noqa: F401 - registers the figures and their facts
    from .figures.facts import build_run

    return build_run(name)
