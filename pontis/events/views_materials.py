"""Pages of meeting materials and protection: the download (served only through the check), the staff's upload,
edit and delete, and the access settings of a meeting and a material (widening asks for a confirmation).

Thin: one selector or service each; who may open what is ``events.protection``'s answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError, ValidationFailed
from pontis.core.http import require_http_methods, require_POST
from pontis.core.permissions import can, get_visible_or_404, permission_required, public
from pontis.core.uploads import CONTENT_EXTENSIONS, download_response, stored_name

from . import forms_materials as forms
from . import services
from .models import Material, Meeting
from .protection import is_wider, material_is_indexable, meeting_is_indexable
from .selectors import meeting_agenda, meeting_detail_queryset
from .selectors.materials import (
    material_get_for,
    material_get_for_staff,
    material_grouped,
    materials_for_page,
)
from .services.materials import STORED_PREFIX
from .visitor import registration_ids

NOINDEX = "noindex"


def noindex(response):
    """Tell search engines not to index or follow this answer (non-public meetings, their files, staff forms)."""
    response["X-Robots-Tag"] = NOINDEX
    return response


def _form_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: at its field when the form has it, else at the top."""
    placed = False
    for name, problems in (getattr(exc, "errors", None) or {}).items():
        if name in form.fields:
            for problem in problems if isinstance(problems, (list, tuple)) else [problems]:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _meeting_for_staff(request, slug) -> Meeting:
    return get_visible_or_404(request.user, meeting_detail_queryset(), slug=slug)


def _back(meeting) -> str:
    return reverse("events:detail", args=[meeting.slug]) + "#materials-title"


@public
def materials_download(request, pk):
    """A material's file, for the visitors the protection rules let in; anybody else gets the same 404 as for a
    material that does not exist (no title, size, type or file name)."""
    material = material_get_for(request.user, pk, registration_ids(request))
    if not material.file:
        raise Http404
    ext = CONTENT_EXTENSIONS.get(material.content_type, "bin")
    response = download_response(material.file, filename=stored_name(STORED_PREFIX, material.pk, ext),
                                 content_type=material.content_type or None)
    if not material_is_indexable(material, material.meeting):
        noindex(response)
        if request.user.is_authenticated:
            audit.record_access(material, by=request.user, what="meeting material")
    response["Cache-Control"] = "private, no-store" if not material_is_indexable(material) else "public, max-age=300"
    return response


@permission_required(Material, "create")
@require_http_methods(["GET", "POST"])
def materials_upload(request, slug):
    meeting = _meeting_for_staff(request, slug)
    agenda = meeting_agenda(meeting)
    form = forms.MaterialUploadForm(request.POST or None, request.FILES or None, meeting=meeting, agenda=agenda)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            session, contribution = form.chosen_place()
            try:
                services.material_create(
                    meeting=meeting, title=form.cleaned_data["title"], upload=form.cleaned_data["file"],
                    by=request.user, session=session, contribution=contribution, kind=form.cleaned_data["kind"],
                    access=form.cleaned_data["access"], access_roles=form.cleaned_data["access_roles"],
                    key=form.cleaned_data.get("idempotency_key") or None)
                messages.success(request, _("The material is added."))
                return redirect(_back(meeting))
            except ValidationFailed as exc:
                _form_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        status = 422
    return noindex(render(request, "events/materials_form.html", {
        "meeting": meeting, "form": form, "heading": _("Add a material"), "multipart": True,
        "action": reverse("events:materials_upload", args=[meeting.slug]),
    }, status=status))


@permission_required(Material, "change")
@require_http_methods(["GET", "POST"])
def materials_edit(request, pk):
    material = material_get_for_staff(pk)
    meeting = _meeting_for_staff(request, material.meeting.slug)
    agenda = meeting_agenda(meeting)
    initial = {"title": material.title, "kind": material.kind, "place": forms.place_value(material)}
    form = forms.MaterialEditForm(request.POST or None, request.FILES or None, agenda=agenda, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            session, contribution = form.chosen_place()
            try:
                services.material_update(material=material, by=request.user, title=form.cleaned_data["title"],
                                         kind=form.cleaned_data["kind"], session=session, contribution=contribution,
                                         move=True, upload=form.cleaned_data.get("file") or None)
                messages.success(request, _("The material is saved."))
                return redirect(_back(meeting))
            except ValidationFailed as exc:
                _form_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        status = 422
    return noindex(render(request, "events/materials_form.html", {
        "meeting": meeting, "form": form, "heading": _("Change the material"), "multipart": True,
        "material": material, "action": reverse("events:materials_edit", args=[material.pk]),
    }, status=status))


@permission_required(Material, "delete")
@require_POST
def materials_delete(request, pk):
    material = material_get_for_staff(pk)
    meeting = _meeting_for_staff(request, material.meeting.slug)
    if not is_confirmed(request):
        return noindex(confirm_page(
            request, title=_("Delete this material?"), caption=forms.title_text(material),
            consequences=[_("The file is deleted; it cannot be recovered here."),
                          _("Links to it stop working for everyone.")],
            button=_("Delete the material"), cancel_url=_back(meeting)))
    try:
        services.material_delete(material=material, by=request.user)
        messages.success(request, _("The material is deleted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(meeting))


def _widening_page(request, *, title, level_label, parent_label, cancel_url):
    return noindex(confirm_page(
        request, title=title,
        consequences=[_("More people will be able to open it than its parent allows (%(parent)s).")
                      % {"parent": parent_label},
                      _("Your name and the time are recorded with the change.")],
        summary=[(_("New level"), level_label), (_("Parent's level"), parent_label)],
        button=_("Yes, open it to more people"), cancel_url=cancel_url))


@permission_required(Material, "set_access")
@require_http_methods(["GET", "POST"])
def materials_access(request, pk):
    material = material_get_for_staff(pk)
    meeting = _meeting_for_staff(request, material.meeting.slug)
    form = forms.MaterialAccessForm(request.POST or None,
                                    initial={"access": material.access, "access_roles": material.access_roles})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            access = form.cleaned_data["access"]
            wider = access != "inherit" and is_wider(access, meeting.access)
            if wider and not is_confirmed(request):
                return _widening_page(request, title=_("Open this material to more people than its meeting?"),
                                      level_label=forms.level_label(access),
                                      parent_label=meeting.get_access_display(),
                                      cancel_url=reverse("events:materials_access", args=[material.pk]))
            try:
                services.material_set_access(material=material, access=access,
                                             access_roles=form.cleaned_data["access_roles"], by=request.user,
                                             confirm_widen=wider and is_confirmed(request))
                messages.success(request, _("Who may open the material is saved."))
                return redirect(_back(meeting))
            except ValidationFailed as exc:
                _form_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        status = 422
    return noindex(render(request, "events/materials_form.html", {
        "meeting": meeting, "form": form, "heading": _("Who may open this material"), "material": material,
        "action": reverse("events:materials_access", args=[material.pk]),
        "parent_level": meeting.get_access_display(),
    }, status=status))


@permission_required(Meeting, "set_access")
@require_http_methods(["GET", "POST"])
def materials_meeting_access(request, slug):
    meeting = _meeting_for_staff(request, slug)
    form = forms.MeetingAccessForm(request.POST or None, initial={
        "access": meeting.access, "access_roles": meeting.access_roles,
        "restricted_display": meeting.restricted_display, "restricted_reason": meeting.restricted_reason,
        "restricted_contact": meeting.restricted_contact})
    panel = meeting.panel
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            wider = panel is not None and is_wider(data["access"], panel.access)
            if wider and not is_confirmed(request):
                return _widening_page(request, title=_("Open this meeting to more people than its panel?"),
                                      level_label=str(dict(form.fields["access"].choices).get(data["access"], "")),
                                      parent_label=panel.get_access_display(),
                                      cancel_url=reverse("events:materials_meeting_access", args=[meeting.slug]))
            try:
                services.meeting_set_access(
                    meeting=meeting, access=data["access"], access_roles=data["access_roles"], by=request.user,
                    restricted_display=data["restricted_display"], restricted_reason=data["restricted_reason"],
                    restricted_contact=data["restricted_contact"], confirm_widen=wider and is_confirmed(request))
                messages.success(request, _("Who may see the meeting is saved."))
                return redirect("events:detail", slug=meeting.slug)
            except ValidationFailed as exc:
                _form_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        status = 422
    return noindex(render(request, "events/materials_form.html", {
        "meeting": meeting, "form": form, "heading": _("Who may see this meeting"),
        "action": reverse("events:materials_meeting_access", args=[meeting.slug]),
        "parent_level": panel.get_access_display() if panel else "",
    }, status=status))


def materials_page(request, meeting, template: str, context: dict, *, status: int = 200):
    """Render a meeting's page with its materials section (what this visitor may open, and the restricted items
    listed or hidden as the meeting chose); pages of non-public meetings say ``noindex`` (header and meta)."""
    rows = materials_for_page(request.user, meeting, registration_ids(request))
    indexable = meeting_is_indexable(meeting)
    response = render(request, template, {
        **context,
        "material_groups": material_grouped(rows),
        "has_restricted": any(not row.can_open for row in rows),
        "may_add_material": can(request.user, "create", Material),
        "may_set_access": can(request.user, "set_access", meeting),
        "noindex": not indexable,
    }, status=status)
    return response if indexable else noindex(response)
