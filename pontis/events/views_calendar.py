"""Calendar files: one meeting's ``.ics`` (for whoever may see the meeting) and a person's feed behind a secret,
revocable address; the small page where a signed-in person creates and revokes their feed addresses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import permission_required, public

from . import services
from .calendars import calendar_for
from .models import CalendarFeed
from .selectors import registration as selectors
from .visitor import registration_ids

ICS_TYPE = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def meeting_ics(request, slug):
    meeting = selectors.meeting_for_calendar(request.user, slug, registration_ids(request))
    response = _ics(calendar_for([meeting], name=str(meeting)), f"{meeting.slug}.ics")
    if meeting.access != "public":
        response["Cache-Control"] = "private, no-store"
    return response


@public
def feed_ics(request, token):
    feed = selectors.calendar_feed_by_token(token)
    response = _ics(calendar_for(selectors.meetings_in_feed(feed.user), name=_("My meetings")), "meetings.ics")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@permission_required(CalendarFeed, "create")
@require_http_methods(["GET", "POST"])
def feeds(request):
    if request.method == "POST":
        try:
            services.calendar_feed_create(by=request.user)
            messages.success(request, _("Your calendar address is ready. Copy it into your calendar program."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("events:calendar_feeds")
    rows = [(feed, request.build_absolute_uri(reverse("events:calendar_feed", args=[feed.token])))
            for feed in selectors.calendar_feeds_for(request.user)]
    response = render(request, "events/registration_calendar_feeds.html", {"rows": rows})
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(CalendarFeed, "create")
@require_POST
def feed_revoke(request, pk):
    feed = selectors.calendar_feed_get(request.user, pk)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Revoke this calendar address?"),
            consequences=[_("Calendar programs that use it stop receiving your meetings."),
                          _("The address cannot be used again; you can create a new one.")],
            button=_("Revoke the address"), cancel_url=reverse("events:calendar_feeds"), carry=[])
    try:
        services.calendar_feed_revoke(feed=feed, by=request.user)
        messages.success(request, _("The calendar address is revoked."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("events:calendar_feeds")
