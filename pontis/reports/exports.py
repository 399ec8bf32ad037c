"""The dashboard's exports: each table as CSV or XLSX, and every table at once as a report job.

- ``table_export(figure_id, fmt, filters, user=)``: one figure's table, at once (a table of a few dozen rows).
  The XLSX carries a second sheet, "About this export": the filters in words, the time the figures were computed
  and exported, who exported, and whether small groups are hidden. The CSV is the plain table only.
- ``export_job_request(...)`` / ``export_job_run(job_id)``: every figure of the dashboard in one file, built in the
  task worker as a ``ReportJob`` of kind EXPORT, with progress (done/total: figures) and a download. Staff only
  (``ReportJobPolicy``: readers who are not staff never see an export job).

Everything goes through ``pontis.core.exports`` (no cell can run as a formula). A value that is unknown or
suppressed is an empty cell with its reason in the "Note" column, never 0. Every export is recorded in the
access log.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import NotAllowed
from pontis.core.exports import csv_bytes, export_response, xlsx_bytes
from pontis.core.models import Country, Region, ThematicArea
from pontis.core.permissions import can, ensure
from pontis.core.templatetags.dates import day, day_time

from .figures import registry
from .figures.filters import Filters
from .forms_dashboard import DashboardForm
from .models import ReportJob
from .permissions import Dashboard
from .selectors import FigureView, figure_view, section_title, table_rows
from .tasks import run_export

FORMATS = ("csv", "xlsx")


def _when(value: datetime.datetime) -> str:
    return day_time(value)


def describe_filters(filters: Filters) -> str:
    """The filters in words, in the active language: "From 1 January 2016 to 31 December 2016; region: Africa"."""
    parts = []
    if filters.date_from:
        parts.append(_("from %(date)s") % {"date": day(filters.date_from)})
    if filters.date_to:
        parts.append(_("to %(date)s") % {"date": day(filters.date_to)})
    for code, model, label in ((filters.region, Region, _("region")), (filters.theme, ThematicArea, _("thematic area")),
                               (filters.country, Country, _("country"))):
        if code:
            item = model.objects.filter(code=code).first()
            parts.append(f"{label}: {item if item is not None else code}")
    return "; ".join(parts) if parts else _("All periods, regions, thematic areas and countries")


def about_rows(filters: Filters, *, user, as_of: datetime.datetime, reveal: bool, what: str) -> list[tuple[str, str]]:
    """The "About this export" sheet: what, the filters in words, the times, who exported, suppression."""
    now = timezone.now()
    return [
        (_("Export"), what),
        (_("Filters"), describe_filters(filters)),
        (_("Filters in the address"), filters.query_string() or "-"),
        (_("Data as of"), _when(as_of)),
        (_("Exported at"), _when(now)),
        (_("Exported by"), str(user) if user is not None else "-"),
        (_("Small groups"), _("Groups of fewer than 5 people are not shown.") if not reveal
         else _("Every number is shown, small groups too.")),
        (_("Empty values"), _("An empty value is unknown or not shown: its note says which. It is never 0.")),
    ]


def _filename(name: str, filters: Filters) -> str:
    return f"{name}-{filters.key}".replace("&", "-").replace("=", "-")


def table_export(figure_id: str, fmt: str, filters: Filters, *, user):
    """One figure's table as a download. Raises KeyError for an unknown figure, ValueError for an unknown format,
    NotAllowed when ``user`` may not export."""
    ensure(user, "export", Dashboard)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    reveal = can(user, "see_small_numbers", Dashboard)
    as_of = timezone.now()
    view = figure_view(figure_id, filters, reveal=reveal)
    header, rows = table_rows(view)
    what = f"{view.figure.label} ({figure_id})"
    audit.record_access(ReportJob, by=user, what=f"dashboard table {figure_id} ({fmt}, {filters.key})",
                        action=audit.AuditEvent.Action.EXPORT)
    about = about_rows(filters, user=user, as_of=as_of, reveal=reveal, what=what) if fmt == "xlsx" else None
    return export_response(fmt, header, rows, filename=_filename(figure_id, filters), sheet=figure_id, about=about)


# ---------------------------------------------------------------- every table at once, in the task worker

def all_tables_header() -> list[str]:
    return [_("Section"), _("Figure id"), _("Figure"), _("Code or year"), _("Name"), _("Value"), _("Unit"), _("Note")]


def all_tables_rows(view: FigureView) -> list[list]:
    """One figure's rows in the long table of every figure (a NUMBER figure is one row without a code)."""
    _header, rows = table_rows(view)
    base = [section_title(view.figure.section), view.figure.id, str(view.figure.label)]
    unit = str(view.figure.unit)
    if view.is_number:
        return [[*base, "", "", rows[0][1], unit, rows[0][2]]]
    return [[*base, key, name, value, unit, note] for key, name, value, note in rows]


@transaction.atomic
def export_job_request(*, by, filters: Filters, fmt: str, creation_key: str | None) -> ReportJob:
    """Queue the export of every table for ``filters``; the same ``creation_key`` again answers the same job."""
    ensure(by, "export", Dashboard)
    ensure(by, "create", ReportJob)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    key = (creation_key or "").strip()[:40]
    stored_key = f"export:{by.pk}:{key}" if key else None
    if stored_key:
        existing = ReportJob.objects.filter(creation_key=stored_key).first()
        if existing is not None:
            return existing
    params = {"filters": filters.query_string(), "format": fmt,
              "reveal": can(by, "see_small_numbers", Dashboard)}
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(kind=ReportJob.Kind.EXPORT, params=params, requested_by=by,
                                           language=translation.get_language() or "en", creation_key=stored_key,
                                           total=len(registry.all_figures()))
    except IntegrityError:  # the same key raced in from a second request
        return ReportJob.objects.get(creation_key=stored_key)
    audit.record_create(job, by=by, note=f"export of every dashboard table ({fmt}, {params['filters'] or 'all'})")
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def _filters_of(job: ReportJob) -> Filters:
    return DashboardForm(QueryDict(job.params.get("filters", ""))).filters() or Filters()


def export_job_run(*, job_id: int) -> bool:
    """Build an export job's file: claims a QUEUED job (a second run does nothing), computes each figure (progress
    after each), stops when cancelled, records a failure instead of raising. Answers whether it built the file."""
    claimed = ReportJob.objects.filter(pk=job_id, kind=ReportJob.Kind.EXPORT, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), stage="figures")
    if not claimed:
        return False
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with translation.override(job.language or None):
            return _build(job)
    except Exception as exc:  # noqa: BLE001 - a failed build is recorded on the job, shown on its page
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        return False


def _build(job: ReportJob) -> bool:
    filters, fmt, reveal = _filters_of(job), job.params.get("format", "xlsx"), bool(job.params.get("reveal"))
    as_of = timezone.now()
    figures = registry.all_figures()
    ReportJob.objects.filter(pk=job.pk).update(total=len(figures), done=0)
    rows: list[list] = []
    for done, figure_def in enumerate(figures, start=1):
        if ReportJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.CANCELLED, finished_at=timezone.now())
            return False
        rows.extend(all_tables_rows(FigureView(figure_def, registry.compute(figure_def.id, filters, reveal=reveal))))
        ReportJob.objects.filter(pk=job.pk).update(done=done, heartbeat_at=timezone.now())
    ReportJob.objects.filter(pk=job.pk).update(stage="file")
    if fmt == "xlsx":
        about = about_rows(filters, user=job.requested_by, as_of=as_of, reveal=reveal, what=_("Every dashboard table"))
        body = xlsx_bytes(all_tables_header(), rows, sheet="figures", about=about)
    else:
        body = csv_bytes(all_tables_header(), rows)
    name = f"{_filename('dashboard', filters)}.{fmt}"
    job.file.save(f"export-{job.pk}.{fmt}", ContentFile(body), save=False)
    ReportJob.objects.filter(pk=job.pk).update(file=job.file.name, file_name=name, status=ReportJob.Status.DONE,
                                               stage="", finished_at=timezone.now())
    return True


def export_job_download_check(job: ReportJob, user) -> None:
    """Raises NotAllowed unless ``user`` may download this finished export."""
    if job.kind != ReportJob.Kind.EXPORT or job.status != ReportJob.Status.DONE or not job.file:
        raise NotAllowed(_("This export has no file to download."))
    ensure(user, "download", job)
