"""The IATI check page for staff (/reports/iati/): every Action in the open-data file's scope, in the file or left
out, with what to fix in the reader's language and a link to the page where it is edited; and "check now".

Access from ``IatiRecordPolicy`` (permissions.py): staff. The file itself is public (api_iati.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pontis.core.http import require_POST
from pontis.core.permissions import permission_required

from .iati import publish
from .models import IatiRecord

PAGE_SIZE = 50  # Actions per page: every Action in scope is listed, a page at a time, in code order


@permission_required(IatiRecord, "view")
def iati_page(request):
    # The page reads what the public file holds now: built again first if its sources changed since.
    publish.current_file()
    summary = publish.staff_summary()
    paginator = Paginator(publish.staff_actions(), PAGE_SIZE)
    paginator.count = summary["in_scope"]  # the same Actions, already counted by the summary's query
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "reports/iati_page.html", {
        "page": page,
        "rows": publish.staff_rows(translation.get_language() or "en", page.object_list),
        **summary,
        "file_url": reverse("api-1:iati_activities"),
    })


@permission_required(IatiRecord, "check")
@require_POST
def iati_check(request):
    published = publish.check_now(by=request.user)
    if published.left_out:
        messages.warning(request, _("Checked. %(included)s Actions are in the file; %(left_out)s are left out until "
                                    "what is listed below is fixed.") % {
            "included": len(published.included), "left_out": len(published.left_out)})
    else:
        messages.success(request, _("Checked. All %(included)s Actions are in the file.") % {
            "included": len(published.included)})
    return redirect("reports:iati")
