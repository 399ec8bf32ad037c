"""The "In numbers" dashboard page, its table exports and the export of every table (a report job).

Thin: the form reads the filters from the URL, ``selectors.dashboard`` computes every registered figure as this
reader may see it, ``charts`` draws them, ``exports`` writes the files. Access: ``DashboardPolicy`` (view, export,
see_small_numbers) and, for the export jobs, ``ReportJobPolicy`` (staff create and download their files).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import DomainError
from pontis.core.http import require_POST
from pontis.core.permissions import can, get_visible_or_404, permission_required
from pontis.core.uploads import download_response

from . import exports
from .board import board_html
from .forms_dashboard import DashboardForm
from .models import IatiRecord, ReportJob
from .permissions import Dashboard

TEMPLATE = "reports/dashboard.html"


def _page(request, form, *, status: int = 200):
    filters = form.filters()
    may_export = can(request.user, "export", Dashboard)
    board = None
    if filters is not None:
        board = board_html(filters, reveal=can(request.user, "see_small_numbers", Dashboard), may_export=may_export)
    return render(request, TEMPLATE, {
        "form": form, "board": board, "board_html": board["html"] if board else "",
        "query": filters.query_string() if filters else "",
        "export_filters": parse_qsl(filters.query_string()) if filters else [],
        "may_export": may_export,
        "may_export_all": may_export and can(request.user, "create", ReportJob),
        # The annual reports and the IATI check are reached from here, not from the main navigation.
        "may_see_iati": can(request.user, "view", IatiRecord),
    }, status=status if filters is not None else 400)


@permission_required(Dashboard, "view")
def dashboard(request):
    return _page(request, DashboardForm(request.GET))


@permission_required(Dashboard, "export")
def table_export(request, figure_id: str, fmt: str):
    form = DashboardForm(request.GET)
    filters = form.filters()
    if filters is None:
        return _page(request, form)
    if fmt not in exports.FORMATS:
        raise Http404
    try:
        return exports.table_export(figure_id, fmt, filters, user=request.user)
    except KeyError:
        raise Http404 from None


@permission_required(ReportJob, "create")
@require_POST
def export_request(request):
    form = DashboardForm(request.POST)
    filters = form.filters()
    if filters is None or request.POST.get("format") not in exports.FORMATS:
        if filters is not None:
            messages.error(request, _("Choose CSV or XLSX for the export."))
        return _page(request, form, status=400)
    try:
        job = exports.export_job_request(by=request.user, filters=filters, fmt=request.POST["format"],
                                         creation_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reports:dashboard')}?{filters.query_string()}")
    return redirect("reports:dashboard_export_job", pk=job.pk)


def _export_job(request, pk):
    return get_visible_or_404(request.user, ReportJob.objects.filter(kind=ReportJob.Kind.EXPORT), pk=pk)


@permission_required(Dashboard, "export")
def export_job(request, pk: int):
    job = _export_job(request, pk)
    template = "reports/dashboard_export_progress.html" if request.headers.get("HX-Request") else \
        "reports/dashboard_export_job.html"
    percent = round(100 * job.done / job.total) if job.total else (100 if job.status == ReportJob.Status.DONE else 0)
    return render(request, template, {"job": job, "percent": percent,
                                      "may_download": can(request.user, "download", job)})


@permission_required(Dashboard, "export")
def export_download(request, pk: int):
    job = _export_job(request, pk)
    try:
        exports.export_job_download_check(job, request.user)
    except DomainError:
        raise Http404 from None
    audit.record_access(job, by=request.user, what=f"dashboard export ({job.file_name})")
    return download_response(job.file, filename=job.file_name)
