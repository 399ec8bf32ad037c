"""The annual report: staff ask for a year in a language; the task worker builds a tagged PDF from a snapshot of
the figures, stage by stage, while the job's page shows the progress; every reader of figures downloads it.

    job = annual_report_request(year=2025, language="fr", by=officer, creation_key=form_key)
    annual_report_cancel(job=job, by=officer)
    annual_report_build(job_id=job.pk)   # run by reports.tasks.build_annual_report

The build runs five stages (``STAGES``): it snapshots every figure of the registry for the year (one
FigureSnapshot row), draws the charts, lists the year's Actions with their deliverables, picks the published public
case studies of those Actions, and prints the PDF. Each stage sets ``stage``/``done``/``total`` and looks at
``cancel_requested`` after every unit. Only a QUEUED job is claimed, so a retried task leaves a finished one
alone; an unexpected error is recorded on the job (FAILED), never raised into the worker.

A figure restated later is noted: when a finished report of the same year printed a figure with another value,
the new report says which figure changed, from what, since which report (``restatements``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pontis.core import audit
from pontis.core.errors import Conflict, ValidationFailed
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.knowledge.models import LibraryItem, Visibility

from . import annual_content as content
from .models import FigureSnapshot, ReportJob
from .tasks import build_annual_report

logger = logging.getLogger(__name__)

STAGES = {
    "figures": _("Taking a snapshot of the figures"),
    "charts": _("Drawing the charts"),
    "actions": _("Listing the Actions and deliverables"),
    "case studies": _("Choosing the case studies"),
    "pdf": _("Printing the PDF"),
}
FIRST_YEAR = 2009  # the facility's first year; no report before it
# A RUNNING build whose worker has sent no heartbeat for this long has ended: cancelling it closes it at once.
STALE_AFTER = datetime.timedelta(minutes=15)


def period_key(year: int) -> str:
    return f"year:{year}"


def report_years() -> list[int]:
    """The years a report may be asked for, the latest first."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, "")) if stage else ""


# ---------------------------------------------------------------- services (web side)


@transaction.atomic
def annual_report_request(*, year, language: str, by, creation_key: str | None = None) -> ReportJob:
    """Queue the build of the annual report of ``year`` in ``language``; answers the job.

    The same ``creation_key`` from the same person answers the job the first submission made (a double-submitted
    form). Raises NotAllowed for anyone but staff, ValidationFailed (naming the field) for a year outside
    ``report_years()`` or a language that is not one of the interface's.
    """
    ensure(by, "create", ReportJob)
    claim = creation_claim(scope="reports.annual_report_request", key=creation_key, by=by)
    if claim.existing is not None:
        return claim.existing
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a year."), field="year")
    if year not in report_years():
        raise ValidationFailed(_("Choose a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR, "last": timezone.localdate().year}, field="year")
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Choose one of the languages offered."), field="language")
    key = (creation_key or "").strip()[:64] or None
    if key and ReportJob.objects.filter(creation_key=key).exists():
        key = None  # another person's key (never in practice): the claim above already guards this person's
    job = ReportJob.objects.create(kind=ReportJob.Kind.ANNUAL_REPORT, params={"year": year}, language=language,
                                   requested_by=by, creation_key=key)
    audit.record_create(job, by=by)
    job_id = job.pk
    transaction.on_commit(lambda: build_annual_report.enqueue(job_id))
    return claim.fulfil(job)


@transaction.atomic
def annual_report_cancel(*, job: ReportJob, by) -> ReportJob:
    """Cancel a build. A waiting build (or one whose worker stopped) is cancelled at once; a running one is asked
    to stop and stops before its next unit of work. Raises NotAllowed, Conflict for a finished build."""
    ensure(by, "cancel", job)
    job = ReportJob.objects.select_for_update().get(pk=job.pk, kind=ReportJob.Kind.ANNUAL_REPORT)
    before = job.status
    now = timezone.now()
    stale = job.status == ReportJob.Status.RUNNING and (job.heartbeat_at or job.created_at) < now - STALE_AFTER
    if job.status == ReportJob.Status.QUEUED or stale:
        job.status, job.finished_at = ReportJob.Status.CANCELLED, now
    elif job.status != ReportJob.Status.RUNNING:
        raise Conflict(_("This build has already ended; there is nothing to cancel."))
    job.cancel_requested = True
    job.save(update_fields=["status", "finished_at", "cancel_requested"])
    audit.record_transition(job, by=by, before=before, after=job.status, note="cancel requested")
    return job


# ---------------------------------------------------------------- the builder (task side)


class _Cancelled(Exception):
    pass


class _Progress:
    """Writes stage/done/total and the heartbeat to the job row; raises _Cancelled when a cancel was asked."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def _check(self):
        if ReportJob.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise _Cancelled

    def stage(self, name: str, total: int):
        ReportJob.objects.filter(pk=self.job_id).update(stage=name, done=0, total=total, heartbeat_at=timezone.now())
        self._check()

    def step(self, done: int):
        ReportJob.objects.filter(pk=self.job_id).update(done=done, heartbeat_at=timezone.now())
        self._check()


def annual_report_build(*, job_id: int) -> bool:
    """Build a queued annual report once; answers False when the job is not a QUEUED annual report."""
    now = timezone.now()
    claimed = ReportJob.objects.filter(pk=job_id, kind=ReportJob.Kind.ANNUAL_REPORT, status=ReportJob.Status.QUEUED,
                                       cancel_requested=False).update(
        status=ReportJob.Status.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return False
    job = ReportJob.objects.get(pk=job_id)
    try:
        with translation.override(job.language):
            pdf, name = _build(job, _Progress(job_id))
        job.file.save(name, ContentFile(pdf), save=False)
        ReportJob.objects.filter(pk=job_id).update(
            file=job.file.name, file_name=name, status=ReportJob.Status.DONE, finished_at=timezone.now(),
            heartbeat_at=timezone.now())
    except _Cancelled:
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.CANCELLED, finished_at=timezone.now())
    except Exception as exc:  # noqa: BLE001 - recorded on the job for staff; the worker's log has the traceback
        logger.exception("annual report %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.FAILED, finished_at=timezone.now(),
                                                   error=f"{type(exc).__name__}: {exc}"[:2000])
    return True


def _build(job: ReportJob, progress: _Progress) -> tuple[bytes, str]:
    year = int(job.params["year"])
    filters = content.year_filters(year)
    figures = content.figure_defs()

    progress.stage("figures", len(figures))
    results = {}
    for i, fd in enumerate(figures, 1):
        results[fd.id] = content.compute_figure(fd, filters)
        progress.step(i)
    snapshot = FigureSnapshot.objects.create(
        period=period_key(year), filters=filters.query_string(), job=job,
        values={fid: result.as_json() for fid, result in results.items()})
    notes = restatements(snapshot)
    for note in notes:  # the changed row's label, in the report's language, for the report and the job's page
        rows = {row.key: row.label for row in results[note["figure"]].rows}
        note["part_label"] = str(rows.get(note["part"], note["part"]))

    charted = [fd for fd in figures if content.has_chart(fd, results[fd.id])]
    progress.stage("charts", len(charted))
    charts = {}
    for i, fd in enumerate(charted, 1):
        charts[fd.id] = content.chart_image(fd, results[fd.id])
        progress.step(i)

    actions = list(content.year_actions(filters))
    progress.stage("actions", len(actions))
    action_rows = []
    for i, action in enumerate(actions, 1):
        action_rows.append(content.action_row(action))
        progress.step(i)

    studies = list(case_studies([a.pk for a in actions]))
    progress.stage("case studies", len(studies))
    study_rows = []
    for i, item in enumerate(studies, 1):
        study_rows.append(content.case_study_row(item))
        progress.step(i)

    progress.stage("pdf", 1)
    ReportJob.objects.filter(pk=job.pk).update(params={**job.params, "restated": notes})
    sections = [content.figure_section(fd, results[fd.id], charts.get(fd.id)) for fd in figures]
    pdf = content.print_pdf({"year": year, "job": job, "taken_at": snapshot.taken_at, "figures": sections,
                             "restated": notes, "actions": action_rows, "case_studies": study_rows,
                             "actions_count": content.year_actions_count(filters),
                             "language": job.language})
    progress.step(1)
    return pdf, f"annual-report-{year}-{job.language}.pdf"


def case_studies(action_ids):
    """The published, public case studies of these Actions, latest first."""
    return (LibraryItem.objects.filter(kind=LibraryItem.Kind.CASE_STUDY, status=LibraryItem.Status.PUBLISHED,
                                       visibility=Visibility.PUBLIC,
                                       pk__in=LibraryItem.actions.through.objects.filter(
                                           action_id__in=action_ids).values("libraryitem_id"))
            .prefetch_related("actions").order_by("-published_at", "slug"))


def restatements(snapshot: FigureSnapshot) -> list[dict]:
    """The figures this snapshot states otherwise than the last finished report of the same year printed them.

    Each note: the figure's id, the part that changed (a row key, or "" for a single value), the value before and
    now, and the earlier report (its job id and when its figures were taken)."""
    earlier = (FigureSnapshot.objects.filter(period=snapshot.period, filters=snapshot.filters,
                                             job__kind=ReportJob.Kind.ANNUAL_REPORT, job__status=ReportJob.Status.DONE,
                                             taken_at__lte=snapshot.taken_at)
               .exclude(pk=snapshot.pk).select_related("job").order_by("-taken_at", "-id").first())
    if earlier is None:
        return []
    notes = []
    since = {"job": earlier.job_id, "taken_at": earlier.taken_at.isoformat()}
    for figure_id, now in snapshot.values.items():
        if figure_id not in earlier.values or earlier.values[figure_id] == now:
            continue
        before = earlier.values[figure_id]
        if isinstance(now, dict) and isinstance(before, dict):
            for key in sorted(set(now) | set(before), key=str):
                if now.get(key) != before.get(key):
                    notes.append({"figure": figure_id, "part": key, "before": before.get(key), "now": now.get(key),
                                  **since})
        else:
            notes.append({"figure": figure_id, "part": "", "before": before, "now": now, **since})
    return notes


def restated_note_for(job: ReportJob) -> list[dict]:
    """The restatement notes a finished build recorded, as stored (for its page)."""
    return list((job.params or {}).get("restated") or [])

