import sys

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from . import news, registry
from .audit import access_log as audit_access_log
from .audit import history_for
from .awaiting import statements_read_ahead
from .dbbackend.base import database_wait_limit
from .history import present as present_history
from .http import require_POST
from .middleware import database_unavailable_response, is_database_unavailable
from .models import AuditEvent, Notification
from .notifications import notification_mark_read, notifications_mark_all_read
from .permissions import get_visible_or_404, permission_required, policy_for, public, signed_in
from .selectors import content_type_by_id, facility_figures, news_groups_of, news_of_groups


@public
def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", {"figures": facility_figures()})
    # The panels' statements are read in one round trip where the same page for the same roles asked them before
    # (``core.awaiting.statements_read_ahead``); each panel still decides on this request what it shows.
    with statements_read_ahead("core.home", request.user, getattr(request.user, "role_codes", ())):
        panels = registry.home_panels_for(request)
    return render(request, "core/home.html", {"panels": panels})


# A load balancer's health check must get its answer well within its own timeout, even from a database that hangs.
HEALTHZ_WAIT_SECONDS = 2


@public
@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (within HEALTHZ_WAIT_SECONDS). No details leak out."""
    try:
        with database_wait_limit(HEALTHZ_WAIT_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


NEWS_GROUPS_PER_PAGE = 20


@signed_in
def notifications(request):
    """The person's news, grouped by the object it is about, the most recent first, worded in the page's language."""
    page = Paginator(news_groups_of(request.user), NEWS_GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    groups = list(page.object_list)
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or translation.get_language()):
        items = [(note, news.render(note, request.user)) for note in news_of_groups(request.user, groups)]
    by_group: dict = {}
    for note, words in items:
        by_group.setdefault((note.group_type, note.group_id), []).append({"note": note, "words": words})
    shown = []
    for group in groups:
        rows = by_group.get((group["group_type"], group["group_id"]), [])
        if not rows:
            continue
        newest = rows[0]["words"]
        shown.append({"about": newest.about if group["group_type"] else "", "items": rows, "total": group["total"],
                      "unread": group["unread"], "more": group["total"] - len(rows)})
    return render(request, "core/notifications.html", {"page": page, "groups": shown})


@signed_in
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(by=request.user)
    if count:
        messages.success(request, ngettext("%(n)d item marked as read.", "%(n)d items marked as read.", count) % {"n": count})
    return redirect("core:notifications")


@signed_in
@require_POST
def notification_read(request, pk):
    note = get_visible_or_404(request.user, Notification, pk=pk)
    notification_mark_read(notification=note, by=request.user)
    if note.url and request.POST.get("follow"):
        return redirect(note.url)
    messages.success(request, _("Marked as read."))
    return redirect("core:notifications")


@permission_required(AuditEvent, "view_history")
def history(request, content_type_id, object_id):
    """An object's audit trail, for facility staff (embedded on object pages with htmx)."""
    try:
        content_type = content_type_by_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404
    model = content_type.model_class()
    if model is None:
        raise Http404
    try:
        policy_for(model)
    except LookupError:
        obj = get_object_or_404(model, pk=object_id)
    else:
        obj = get_visible_or_404(request.user, model, pk=object_id)
    events = Paginator(history_for(obj).select_related("content_type"), 50).get_page(request.GET.get("page"))
    template = "core/_history.html" if request.htmx else "core/history.html"
    return render(request, template, {"object": obj, "events": events, "entries": present_history(events.object_list)})


@permission_required(AuditEvent, "view_access_log")
def access_log(request):
    """Who downloaded which personal file or exported which list, and when (access rows of the audit trail)."""
    events = Paginator(audit_access_log(), 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"events": events})


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # Called while the exception is being handled: a database outage raised outside a view (loading the session
    # or the user in a middleware) answers 503 like one raised inside a view (pontis/core/middleware.py).
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return render(request, "errors/500.html", status=500)


def error_400(request, exception=None):
    # A session that could not be saved because the database went away is not the client's fault.
    if is_database_unavailable(exception):
        return database_unavailable_response(request)
    return render(request, "errors/400.html", status=400)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


csrf_failure.pontis_access = "public"
