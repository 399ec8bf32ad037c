"""The IATI check page for staff (/reports/iati/): every Action in the open-data file's scope, in the file or left
out, with what to fix in the reader's language and a link to the page where it is edited; and "check now".

The page shows the last check at once and never builds: a build runs in the task worker (``publish.build_queue``).
While one is asked for or under way the page says so and polls itself (htmx, the same URL) every few seconds:
"no change" answers 204 (htmx keeps the page and polls again), a finished build answers the results again, which
stop polling.

Access from ``IatiRecordPolicy`` (permissions.py): staff. The file itself is public (api_iati.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pontis.core.http import require_POST
from pontis.core.permissions import permission_required

from .iati import publish
from .models import IatiRecord

PAGE_SIZE = 50  # Actions per page: every Action in scope is listed, a page at a time, in code order
POLL_SECONDS = 10  # how often the page asks whether a build under way is done


@permission_required(IatiRecord, "view")
def iati_page(request):
    polling = bool(request.headers.get("HX-Request"))
    if polling and request.GET.get("since") is not None:
        status = publish.build_status()
        if status["preparing"] and status["stamp"] == request.GET["since"]:
            return HttpResponse(status=204)  # still being prepared: the page stays as it is
    status = publish.file_status()
    summary = publish.staff_summary()
    paginator = Paginator(publish.staff_actions(), PAGE_SIZE)
    paginator.count = summary["in_scope"]  # the same Actions, already counted by the summary's query
    page = paginator.get_page(request.GET.get("page"))
    poll_url = reverse("reports:iati") + "?" + urlencode({"page": page.number, "since": status["stamp"]})
    return render(
        request,
        "reports/iati_results.html" if polling else "reports/iati_page.html",
        {
            "page": page,
            "rows": publish.staff_rows(translation.get_language() or "en", page.object_list),
            **summary,
            "preparing": status["preparing"],
            "poll_url": poll_url,
            "poll_seconds": POLL_SECONDS,
            "file_url": reverse("api-1:iati_activities"),
        },
    )


@permission_required(IatiRecord, "check")
@require_POST
def iati_check(request):
    if publish.check_now(by=request.user):
        messages.success(request, _("The check is being prepared. This page shows its results when it is ready."))
    else:
        messages.info(request, _("A check is already being prepared. This page shows its results when it is ready."))
    return redirect("reports:iati")
