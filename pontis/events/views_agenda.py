"""Pages of the meeting and agenda editors (staff) and of the speakers' personal upload link (no account).

Thin: each page parses its form, calls one service (``services/meetings.py``, ``services/agenda.py``) and renders
or redirects. The agenda editor works without JavaScript (each button posts and comes back to the editor); with
htmx, moving an item answers the refreshed editor alone (``HX-Request``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.actions.models import Activity
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import client_ip, require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.permissions import get_visible_or_404, permission_required, public

from . import forms_agenda as forms
from . import services
from .models import Contribution, Meeting, Session
from .selectors import meeting_detail_queryset
from .selectors.agenda import (
    activities_for_meeting_picker,
    agenda_days,
    contribution_by_speaker_token,
    contribution_of,
    note_of,
    session_of,
    speaker_materials,
)
from .services.agenda import speaker_link_path, speaker_may_upload

# The speakers' page answers at most this many requests per client address in ``SPEAKER_WINDOW`` seconds: enough
# for a speaker who uploads a dozen files, far too few to guess a 43-character token.
SPEAKER_REQUESTS = 60
SPEAKER_WINDOW = 3600
# A service's field that the form shows under another name.
FORM_FIELD = {"registration_closes_at": "registration_closes_on", "speaker_deadline": "speaker_deadline_on"}


def _meeting(request, slug) -> Meeting:
    return get_visible_or_404(request.user, meeting_detail_queryset(), slug=slug)


def _editor_url(meeting) -> str:
    return reverse("events:agenda_editor", args=[meeting.slug])


def _form_error(form, exc: DomainError) -> None:
    field = FORM_FIELD.get(exc.field, exc.field)
    errors = getattr(exc, "errors", None) or {}
    if errors:
        for name, message in errors.items():
            name = FORM_FIELD.get(name, name)
            form.add_error(name if name in form.fields else None, str(message))
    else:
        form.add_error(field if field in form.fields else None, str(exc.message))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------- meetings


@permission_required(Meeting, "create")
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    """A new meeting; ``?activity=<id>`` fills it in from the Action activity it delivers ("Plan the meeting")."""
    initial = {"time_zone": "Europe/Brussels", "registration": Meeting.Registration.NONE}
    activity_id = request.GET.get("activity", "")
    if activity_id:
        activity = get_visible_or_404(request.user, Activity, pk=activity_id)
        initial.update(forms.activity_initial(activity))
    form = forms.MeetingForm(request.POST or None, initial=initial,
                             activities=activities_for_meeting_picker(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, slug=form.new_slug(),
                                              idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                                              **form.service_fields())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting is created. Now add its agenda."))
            return redirect("events:detail", slug=meeting.slug)
    return render(request, "events/meeting_form.html", {"form": form, "meeting": None})


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug):
    meeting = _meeting(request, slug)
    form = forms.MeetingForm(request.POST or None, initial=forms.meeting_initial(meeting), meeting=meeting,
                             activities=activities_for_meeting_picker(request.user, current=meeting.activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.service_fields())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("events:detail", slug=meeting.slug)
    return render(request, "events/meeting_form.html", {"form": form, "meeting": meeting})


@permission_required(Meeting, "mark_held")
@require_POST
def meeting_mark_held(request, slug):
    meeting = _meeting(request, slug)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Record that this meeting was held?"), caption=str(meeting),
            consequences=[_("The meeting is recorded as held; this cannot be undone."),
                          _("Calendars that hold the meeting receive the change.")],
            button=_("Record as held"), cancel_url=reverse("events:detail", args=[meeting.slug]))
    try:
        services.meeting_mark_held(meeting=meeting, by=request.user)
        messages.success(request, _("The meeting is recorded as held."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("events:detail", slug=meeting.slug)


@permission_required(Meeting, "cancel")
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, slug):
    meeting = _meeting(request, slug)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            return confirm_page(
                request, title=_("Cancel this meeting?"), caption=str(meeting),
                consequences=[_("The meeting is cancelled; a cancelled meeting cannot be planned again."),
                              _("Calendars that hold the meeting show it as cancelled.")],
                summary=[(_("Reason"), form.cleaned_data["reason"])], button=_("Cancel the meeting"),
                cancel_url=reverse("events:detail", args=[meeting.slug]), carry=["reason"])
        try:
            services.meeting_cancel(meeting=meeting, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The meeting is cancelled."))
            return redirect("events:detail", slug=meeting.slug)
    return render(request, "events/agenda_cancel.html", {"form": form, "meeting": meeting})


# ---------------------------------------------------------------- the agenda editor


def _editor(request, meeting, *, status=200):
    template = "events/agenda_editor.html" if _is_htmx(request) else "events/agenda_editor_page.html"
    return render(request, template, {"meeting": meeting, "days": agenda_days(meeting)}, status=status)


@permission_required(Meeting, "change")
def agenda_editor(request, slug):
    """The agenda editor: on its own page, or (htmx) the part the meeting's page loads for staff."""
    return _editor(request, _meeting(request, slug))


def _item_form(request, meeting, *, form, title, save, done):
    """The add/edit page of one agenda item: valid -> ``save(data, key)``; refusal -> the form with the error."""
    if request.method == "POST" and form.is_valid():
        data = forms.without_key(form)
        try:
            save(data, form.cleaned_data.get("idempotency_key") or None)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(_editor_url(meeting))
    return render(request, "events/agenda_item_form.html", {"meeting": meeting, "form": form, "title": title})


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def session_add(request, slug):
    meeting = _meeting(request, slug)
    kind = request.GET.get("kind", "")
    initial = {"day": meeting.start_date, "kind": kind if kind in Session.Kind.values else Session.Kind.SESSION}
    form = forms.SessionForm(request.POST or None, initial=initial)
    return _item_form(request, meeting, form=form, title=_("Add a session"), done=_("The session is added."),
                      save=lambda data, key: services.session_create(meeting=meeting, by=request.user,
                                                                     idempotency_key=key, **data))


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    meeting = _meeting(request, slug)
    session = session_of(meeting, pk)
    form = forms.SessionForm(request.POST or None, initial=forms.session_initial(session))
    return _item_form(request, meeting, form=form, title=_("Change the session"), done=_("The session is saved."),
                      save=lambda data, key: services.session_update(session=session, by=request.user, **data))


def _move(request, meeting, service, **target):
    try:
        service(by=request.user, direction=request.POST.get("direction", ""), **target)
    except DomainError as exc:
        if not _is_htmx(request):
            messages.error(request, exc.message)
    if _is_htmx(request):
        return _editor(request, meeting)
    return redirect(_editor_url(meeting))


def _delete(request, meeting, *, title, consequences, button, service, done, **target):
    if not is_confirmed(request):
        return confirm_page(request, title=title, caption=str(meeting), consequences=consequences, button=button,
                            cancel_url=_editor_url(meeting))
    try:
        service(by=request.user, **target)
        messages.success(request, done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_editor_url(meeting))


@permission_required(Meeting, "change")
@require_POST
def session_move(request, slug, pk):
    meeting = _meeting(request, slug)
    return _move(request, meeting, services.session_move, session=session_of(meeting, pk))


@permission_required(Meeting, "change")
@require_POST
def session_delete(request, slug, pk):
    meeting = _meeting(request, slug)
    session = session_of(meeting, pk)
    return _delete(request, meeting, service=services.session_delete, session=session,
                   title=_("Delete the session “%(title)s”?") % {"title": translate(session.title)},
                   consequences=[_("Its contributions, discussion notes and the files uploaded to it are deleted "
                                   "too."), _("This cannot be undone.")],
                   button=_("Delete the session"), done=_("The session is deleted."))


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def contribution_add(request, slug, pk):
    meeting = _meeting(request, slug)
    session = session_of(meeting, pk)
    form = forms.ContributionForm(request.POST or None)
    return _item_form(request, meeting, form=form, title=_("Add a contribution"), done=_("The contribution is added."),
                      save=lambda data, key: services.contribution_create(session=session, by=request.user,
                                                                          idempotency_key=key, **data))


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def contribution_edit(request, slug, pk):
    meeting = _meeting(request, slug)
    contribution = contribution_of(meeting, pk)
    form = forms.ContributionForm(request.POST or None, initial=forms.contribution_initial(contribution))
    return _item_form(request, meeting, form=form, title=_("Change the contribution"),
                      done=_("The contribution is saved."),
                      save=lambda data, key: services.contribution_update(contribution=contribution, by=request.user,
                                                                          **data))


@permission_required(Meeting, "change")
@require_POST
def contribution_move(request, slug, pk):
    meeting = _meeting(request, slug)
    return _move(request, meeting, services.contribution_move, contribution=contribution_of(meeting, pk))


@permission_required(Meeting, "change")
@require_POST
def contribution_delete(request, slug, pk):
    meeting = _meeting(request, slug)
    contribution = contribution_of(meeting, pk)
    return _delete(request, meeting, service=services.contribution_delete, contribution=contribution,
                   title=_("Delete the contribution of %(speaker)s?") % {"speaker": contribution.speaker_name},
                   consequences=[_("The files uploaded to it are deleted too."), _("This cannot be undone.")],
                   button=_("Delete the contribution"), done=_("The contribution is deleted."))


@permission_required(Meeting, "change")
@require_POST
def speaker_link(request, slug, pk):
    """Send (or send again) the speaker's personal upload link; ``renew=1`` replaces the link after confirmation."""
    meeting = _meeting(request, slug)
    contribution = contribution_of(meeting, pk)
    renew = request.POST.get("renew") == "1"
    if renew and not is_confirmed(request):
        return confirm_page(request, title=_("Send a new link to %(speaker)s?") % {"speaker": contribution.speaker_name},
                            consequences=[_("The link sent before stops working.")],
                            button=_("Send a new link"), cancel_url=_editor_url(meeting))
    try:
        services.speaker_link_send(contribution=contribution, by=request.user, renew=renew)
        messages.success(request, _("The personal link is sent to %(email)s.") % {"email": contribution.speaker_email})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_editor_url(meeting))


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def note_add(request, slug, pk):
    meeting = _meeting(request, slug)
    session = session_of(meeting, pk)
    form = forms.NoteForm(request.POST or None)
    return _item_form(request, meeting, form=form, title=_("Add a question from the discussion"),
                      done=_("The discussion note is added."),
                      save=lambda data, key: services.note_create(session=session, by=request.user,
                                                                  idempotency_key=key, **data))


@permission_required(Meeting, "change")
@require_http_methods(["GET", "POST"])
def note_edit(request, slug, pk):
    meeting = _meeting(request, slug)
    note = note_of(meeting, pk)
    form = forms.NoteForm(request.POST or None, initial=forms.note_initial(note))
    return _item_form(request, meeting, form=form, title=_("Change the discussion note"),
                      done=_("The discussion note is saved."),
                      save=lambda data, key: services.note_update(note=note, by=request.user, **data))


@permission_required(Meeting, "change")
@require_POST
def note_move(request, slug, pk):
    meeting = _meeting(request, slug)
    return _move(request, meeting, services.note_move, note=note_of(meeting, pk))


@permission_required(Meeting, "change")
@require_POST
def note_delete(request, slug, pk):
    meeting = _meeting(request, slug)
    note = note_of(meeting, pk)
    return _delete(request, meeting, service=services.note_delete, note=note,
                   title=_("Delete this discussion note?"), consequences=[_("This cannot be undone.")],
                   button=_("Delete the note"), done=_("The discussion note is deleted."))


# ---------------------------------------------------------------- the speakers' personal link (no account)


def _too_many(request) -> bool:
    key = f"events:speaker:{client_ip(request)}"
    cache.add(key, 0, SPEAKER_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, SPEAKER_WINDOW)
        count = 1
    return count > SPEAKER_REQUESTS


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


@public
@require_http_methods(["GET", "POST"])
def speaker_page(request, token):
    """The speaker sees their contribution and uploads slides or documents to it until the deadline.

    The token names the contribution: nothing posted can point the upload elsewhere. Unknown tokens answer 404;
    too many requests from one address answer 429; an upload after the deadline 409 (with the page saying why)."""
    if _too_many(request):
        return _noindex(render(request, "events/agenda_speaker.html", {"throttled": True}, status=429))
    try:
        contribution: Contribution = contribution_by_speaker_token(token)
    except Http404:
        raise
    open_ = speaker_may_upload(contribution)
    form = forms.SpeakerUploadForm(request.POST or None, request.FILES or None) if open_ else None
    status = 200
    if request.method == "POST":
        if not open_:
            status = 409
        elif form.is_valid():
            try:
                services.speaker_upload(contribution=contribution, title=form.cleaned_data["title"],
                                        upload=form.cleaned_data["file"],
                                        idempotency_key=form.cleaned_data.get("idempotency_key") or None)
            except DomainError as exc:
                if exc.code == "speaker_deadline_passed":
                    open_, form, status = False, None, 409
                else:
                    _form_error(form, exc)
                    status = 422
            else:
                messages.success(request, _("Thank you: your file is uploaded."))
                return _noindex(redirect(speaker_link_path(contribution)))
        else:
            status = 422
    meeting = contribution.session.meeting
    return _noindex(render(request, "events/agenda_speaker.html", {
        "contribution": contribution, "session": contribution.session, "meeting": meeting, "open": open_,
        "form": form, "materials": speaker_materials(contribution),
    }, status=status))
