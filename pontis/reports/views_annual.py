"""The annual report's pages: the list of builds (every reader of figures; staff also see the request form), the
request form, a build's page with its progress partial (polled with htmx), cancelling (with confirmation) and the
download. Access comes from ReportJobPolicy and DashboardPolicy (permissions.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import can, get_visible_or_404, permission_required, visible_to
from pontis.core.uploads import download_response

from . import annual
from .annual_content import restated_rows
from .forms_annual import AnnualReportForm
from .models import ReportJob
from .permissions import Dashboard


def _annual_jobs(user):
    return (visible_to(user, ReportJob).filter(kind=ReportJob.Kind.ANNUAL_REPORT)
            .select_related("requested_by").order_by("-created_at", "-id"))


def _job(request, pk) -> ReportJob:
    return get_visible_or_404(request.user, _annual_jobs(request.user), pk=pk)


def _job_context(request, job) -> dict:
    return {"job": job, "year": (job.params or {}).get("year"), "stage_label": annual.stage_label(job.stage),
            "may_cancel": can(request.user, "cancel", job) and job.status in (ReportJob.Status.QUEUED,
                                                                                 ReportJob.Status.RUNNING),
            "may_download": bool(job.file) and job.status == ReportJob.Status.DONE and can(request.user, "download", job),
            "is_staff_reader": can(request.user, "create", ReportJob),
            "restated": restated_rows(annual.restated_note_for(job)) if job.status == ReportJob.Status.DONE else []}


@permission_required(Dashboard, "view")
@require_http_methods(["GET"])
def annual_list(request):
    page = Paginator(_annual_jobs(request.user), 20).get_page(request.GET.get("page"))
    may_create = can(request.user, "create", ReportJob)
    return render(request, "reports/annual_list.html", {
        "page": page, "may_create": may_create, "form": AnnualReportForm() if may_create else None})


@permission_required(ReportJob, "create")
@require_http_methods(["GET", "POST"])
def annual_new(request):
    form = AnnualReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = annual.annual_report_request(year=data["year"], language=data["language"], by=request.user,
                                               creation_key=data["idempotency_key"] or None)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("reports:annual_job", pk=job.pk)
    return render(request, "reports/annual_new.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Dashboard, "view")
@require_http_methods(["GET"])
def annual_job(request, pk):
    job = _job(request, pk)
    return render(request, "reports/annual_job.html", _job_context(request, job))


@permission_required(Dashboard, "view")
@require_http_methods(["GET"])
def annual_progress(request, pk):
    job = _job(request, pk)
    return render(request, "reports/annual_progress.html", _job_context(request, job))


@permission_required(ReportJob, "cancel")
@require_POST
def annual_cancel(request, pk):
    job = _job(request, pk)
    back = reverse("reports:annual_job", args=[job.pk])
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Cancel this build of the annual report?"), cancel_url=back,
            consequences=[_("The build stops before its next step and no PDF is made."),
                          _("To have the report, ask for a new build.")],
            button=_("Cancel the build"))
    try:
        annual.annual_report_cancel(job=job, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The build is cancelled."))
    return redirect(back)


@permission_required(Dashboard, "view")
@require_http_methods(["GET"])
def annual_download(request, pk):
    job = _job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file or not can(request.user, "download", job):
        raise Http404
    year = (job.params or {}).get("year", "")
    response = download_response(job.file, filename=f"annual-report-{year}-{job.language}.pdf",
                                 content_type="application/pdf")
    audit.record_access(job, by=request.user, what=f"annual report ({year}, {job.language})")
    return response
