"""The IATI check page for staff (/reports/iati/): every Action in the open-data file's scope, in the file or left
out, with what to fix in the reader's language and a link to the page where it is edited; and "check now".

The page shows the last check at once and never builds: a build runs in the task worker (``publish.build_queue``).
While one is asked for or under way the page says so and polls itself (htmx, the same URL) every few seconds:
"no change" answers 204 (htmx keeps the page and polls again), a finished build answers the results again, which
stop polling. The totals and the rows of each page are kept in the shared cache until the next build or a change
of the sources (``publish.staff_cache_key``), at most ``publish.recheck_seconds()``.

Access from ``IatiRecordPolicy`` (permissions.py): staff. The file itself is public (api_iati.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pontis.core.http import require_POST
from pontis.core.permissions import permission_required
from pontis.core.templatetags.dates import day_time
from pontis.core.templatetags.pontis import tr

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
    # The sources' fingerprint as the public file reads it (at most ``recheck_seconds()`` old): a change made
    # since shows here (and queues a build) as soon as it does there; "check now" checks at once whatever it says.
    status = publish.file_status(exact=False)
    key = publish.staff_cache_key(status)
    summary = publish.staff_summary(key=key)
    paginator = Paginator(publish.staff_actions(), PAGE_SIZE)
    paginator.count = summary["in_scope"]  # the same Actions, already counted by the summary's query
    page = paginator.get_page(request.GET.get("page"))
    poll_url = reverse("reports:iati") + "?" + urlencode({"page": page.number, "since": status["stamp"]})
    rows = publish.staff_rows(translation.get_language() or "en", publish.staff_listing(page.object_list, key=key))
    return render(
        request,
        "reports/iati_results.html" if polling else "reports/iati_page.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": rows_html(rows),
            **summary,
            "preparing": status["preparing"],
            "poll_url": poll_url,
            "poll_seconds": POLL_SECONDS,
            "file_url": reverse("api-1:iati_activities"),
        },
    )


def rows_html(rows: list[dict]) -> SafeString:
    """The table's rows (``publish.staff_rows``), written once per page: the same HTML as a template loop over them
    would write (reports/tests/test_iati_speed.py compares both in every language), with the page's fixed texts translated
    once and each "last changed" date written once, where the loop cost more than the rest of the page."""
    yes, left_out, not_checked = _("Yes"), _("No: left out"), _("Not checked yet")
    withdrawn = '<br><span class="small">' + _("No longer on the portal: published as cancelled.") + "</span>"
    ask = " " + _("(the facility's IATI settings: ask an administrator)")
    changed: dict = {}
    parts = []
    for row in rows:
        code = escape(row["action"]["code"])
        if row["included"]:
            state = yes
            when = row["last_updated"]
            if when:
                if when not in changed:
                    text = _("Last changed %(when)s") % {"when": conditional_escape(day_time(when))}
                    changed[when] = '<br><span class="small">' + text + "</span>"
                state += changed[when]
        elif row["checked"]:
            state = "<strong>" + left_out + "</strong>"
        else:
            state = not_checked
        if row["problems"]:
            fix = _("Fix it on the page of %(code)s") % {"code": code}
            items = [
                "<li>"
                + conditional_escape(problem["message"])
                + (f' <a href="{escape(problem["url"])}">{fix}</a>' if problem["url"] else ask)
                + "</li>"
                for problem in row["problems"]
            ]
            problems = "<ul>" + "".join(items) + "</ul>"
        else:
            problems = "—"
        parts.append(
            f'<tr>\n<th scope="row"><a href="{escape(row["url"])}">{code}</a> '
            f"{conditional_escape(tr(row['action']['title']))}{'' if row['public'] else withdrawn}</th>\n"
            f"<td>{escape(row['identifier']) if row['identifier'] else '—'}</td>\n"
            f"<td>{state}</td>\n<td>{problems}</td>\n</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped; the texts are the catalogue's


@permission_required(IatiRecord, "check")
@require_POST
def iati_check(request):
    if publish.check_now(by=request.user):
        messages.success(request, _("The check is being prepared. This page shows its results when it is ready."))
    else:
        messages.info(request, _("A check is already being prepared. This page shows its results when it is ready."))
    return redirect("reports:iati")
