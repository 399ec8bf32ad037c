"""A meeting's minutes (/events/<slug>/minutes/) and its printable report (/events/<slug>/report/).

Staff draft the minutes, open them to the attendees' comments until a deadline, read the comments and publish.
Attendees (approved registered participants, with an account or by their registration's link, and the panel's
delegates for a panel meeting) comment while the minutes are open. Published minutes and the report are visible to
whoever may see the meeting (its protection level). Thin: one selector or service each.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError, NotAllowed
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import can, permission_required, public

from . import forms_panels as forms
from . import services
from .models import Minutes
from .permissions.minutes import is_attendee
from .selectors import minutes as selectors
from .visitor import registration_ids


def _meeting(request, slug):
    return selectors.meeting_get_for(request.user, slug, registration_ids(request))


def _back(meeting):
    return redirect("events:minutes", slug=meeting.slug)


def _may_comment(request, meeting, minutes) -> bool:
    if minutes is None or minutes.status != Minutes.Status.CONSULTATION:
        return False
    if request.user.is_authenticated and can(request.user, "comment", minutes):
        return True
    registration = selectors.registration_proved(meeting, registration_ids(request))
    return registration is not None and can_comment_by_link(minutes, meeting, registration)


def can_comment_by_link(minutes, meeting, registration) -> bool:
    open_now = minutes.comments_until is None or timezone.now() <= minutes.comments_until
    return open_now and is_attendee(None, meeting, registration=registration)


@public
def minutes_page(request, slug):
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    may_change = can(request.user, "change", minutes if minutes is not None else Minutes)
    may_read = minutes is not None and (
        may_change or minutes.status == Minutes.Status.PUBLISHED
        or (minutes.status == Minutes.Status.CONSULTATION and _may_comment(request, meeting, minutes)))
    context = {
        "meeting": meeting, "minutes": minutes if may_read else None, "may_change": may_change,
        "may_publish": minutes is not None and can(request.user, "publish", minutes)
        and minutes.status != Minutes.Status.PUBLISHED,
        "may_comment": _may_comment(request, meeting, minutes),
        "comments": list(selectors.minutes_comments_for(request.user, minutes)),
        "noindex": True,
    }
    if context["may_comment"]:
        context["comment_form"] = forms.MinutesCommentForm(auto_id="comment-%s")
    if may_change and (minutes is None or minutes.status != Minutes.Status.PUBLISHED):
        context["form"] = forms.MinutesForm(minutes=minutes, auto_id="minutes-%s")
        context["until_form"] = forms.CommentsUntilForm(
            initial={"comments_until": minutes.comments_until.date() if minutes and minutes.comments_until else None},
            auto_id="until-%s")
    return render(request, "events/minutes_page.html", context)


@permission_required(Minutes, "change")
@require_POST
def minutes_save(request, slug):
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    form = forms.MinutesForm(request.POST, minutes=minutes)
    if form.is_valid():
        try:
            services.minutes_save(meeting=meeting, by=request.user, executive_summary=form.cleaned_data["executive_summary"],
                                  body=form.cleaned_data["body"])
            messages.success(request, _("The minutes are saved."))
            return _back(meeting)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    return render(request, "events/minutes_page.html", {
        "meeting": meeting, "minutes": minutes, "may_change": True, "form": form, "noindex": True,
        "until_form": forms.CommentsUntilForm(auto_id="until-%s"), "comments": [],
    }, status=422)


@permission_required(Minutes, "change")
@require_POST
def minutes_open(request, slug):
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        messages.error(request, _("Write the minutes before asking for comments."))
        return _back(meeting)
    form = forms.CommentsUntilForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a deadline for comments in the future."))
        return _back(meeting)
    try:
        services.minutes_open_comments(minutes=minutes, by=request.user, comments_until=form.deadline(meeting.time_zone))
        messages.success(request, _("The minutes are open for comments by the attendees."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(meeting)


@permission_required(Minutes, "publish")
@require_POST
def minutes_publish(request, slug):
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Publish the minutes?"), caption=str(meeting),
            consequences=[_("The minutes become final: they can no longer be changed or commented on."),
                          _("Everyone who may see the meeting can read them and the report.")],
            button=_("Publish the minutes"), cancel_url=reverse("events:minutes", args=[meeting.slug]))
    try:
        services.minutes_publish(minutes=minutes, by=request.user)
        messages.success(request, _("The minutes are published."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(meeting)


@public
@require_http_methods(["POST"])
def minutes_comment(request, slug):
    """An attendee's comment: signed in, or proved by their registration's link (no account)."""
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404
    if not _may_comment(request, meeting, minutes):
        raise PermissionDenied
    form = forms.MinutesCommentForm(request.POST)
    registration = None if request.user.is_authenticated else \
        selectors.registration_proved(meeting, registration_ids(request))
    if not form.is_valid():
        messages.error(request, _("Write your comment (5,000 characters at most)."))
        return _back(meeting)
    try:
        services.minutes_comment_add(minutes=minutes, body=form.cleaned_data["body"],
                                     by=request.user if request.user.is_authenticated else None,
                                     registration=registration, key=form.cleaned_data.get("idempotency_key"))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(meeting)
    messages.success(request, _("Thank you: your comment is sent to the organisers."))
    return _back(meeting)


@public
def meeting_report(request, slug):
    """The printable report: executive summary, agenda with speakers, session summaries, discussion, general
    business, work programme and host offers. Staff see it at any time; others once the minutes are published."""
    meeting = _meeting(request, slug)
    minutes = selectors.minutes_of(meeting)
    may_change = can(request.user, "change", minutes if minutes is not None else Minutes)
    if not may_change and (minutes is None or minutes.status != Minutes.Status.PUBLISHED):
        raise Http404
    return render(request, "events/minutes_report.html", {
        "meeting": meeting, "minutes": minutes, "agenda": selectors.report_agenda(meeting),
        "programmes": selectors.report_programmes(request.user, meeting), "noindex": meeting.access != "public",
        "draft": minutes is None or minutes.status != Minutes.Status.PUBLISHED,
    })
