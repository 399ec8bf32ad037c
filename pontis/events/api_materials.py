"""Meeting materials over the API (mounted under /api/v1/ by config/api.py), with the same protection rules as
the pages (``events.protection``):

- ``GET /api/v1/meetings/{id}/materials``: the materials of a meeting the caller may open (restricted ones are
  absent, never listed);
- ``GET /api/v1/materials/{id}/file``: the file, or the same 404 as for a material that does not exist;
- ``POST /api/v1/meetings/{id}/materials`` (staff, multipart): add a material through ``material_create``.

Public meetings and materials need no credentials; an invalid ``Authorization`` header is refused (401).
"""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import IdPath
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.permissions import can
from pontis.core.uploads import CONTENT_EXTENSIONS, download_response, stored_name

from . import services
from .models import Material
from .models.materials import INHERIT
from .protection import material_effective_level, material_is_indexable
from .selectors.materials import material_get_for, materials_visible_to, meeting_get_for
from .services.materials import STORED_PREFIX
from .visitor import registration_ids

router = Router(tags=["meetings"], auth=optional_auth())


class MaterialOut(Schema):
    id: int
    title: dict
    title_text: str
    kind: str
    session: int | None
    contribution: int | None
    access: str
    level: str
    content_type: str
    size: int
    original_name: str
    file_url: str


class MaterialIn(Schema):
    # Every field optional at the parsing step, so that the permission answers first (403) and the service
    # names what is missing (422) for those who may add.
    title: str = ""
    kind: Material.Kind = Material.Kind.PRESENTATION
    access: str = INHERIT
    access_roles: list[str] = []
    session: int | None = None
    contribution: int | None = None
    idempotency_key: str | None = None


def _material(material: Material, meeting) -> dict:
    return {
        "id": material.pk, "title": material.title, "title_text": str(translate(material.title)),
        "kind": material.kind, "session": material.session_id, "contribution": material.contribution_id,
        "access": material.access, "level": material_effective_level(material, meeting),
        "content_type": material.content_type, "size": material.size, "original_name": material.original_name,
        "file_url": reverse("api-1:materials_file", args=[material.pk]),
    }


def _meeting(request, meeting_id):
    return meeting_get_for(request.user, pk=meeting_id, registration_ids=registration_ids(request))


@router.get("/meetings/{meeting_id}/materials", response=list[MaterialOut], openapi_extra=OPTIONAL_AUTH,
            summary="The materials of a meeting that the caller may open (restricted ones are absent)")
def materials_list(request, meeting_id: IdPath):
    meeting = _meeting(request, meeting_id)
    rows = materials_visible_to(request.user, meeting, registration_ids(request))
    return [_material(m, meeting) for m in rows]


@router.get("/materials/{material_id}/file", url_name="materials_file", openapi_extra={
    **OPTIONAL_AUTH, "responses": {200: {"description": "The file", "content": {"application/octet-stream": {}}}}},
    summary="Download a material (404, telling nothing, when the caller may not open it)")
def materials_file(request, material_id: IdPath):
    material = material_get_for(request.user, material_id, registration_ids(request))
    if not material.file:
        raise Http404
    ext = CONTENT_EXTENSIONS.get(material.content_type, "bin")
    response = download_response(material.file, filename=stored_name(STORED_PREFIX, material.pk, ext),
                                 content_type=material.content_type or None)
    if not material_is_indexable(material, material.meeting):
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response


def _place(meeting, session_id, contribution_id):
    """The session and contribution named by id, among the meeting's own (anything else is a 422)."""
    session = contribution = None
    if session_id is not None:
        session = next((s for s in meeting.sessions.all() if s.pk == session_id), None)
        if session is None:
            message = _("Choose a session of this meeting.")
            raise ValidationFailed(message, field="session", errors={"session": [message]})
    if contribution_id is not None:
        contribution = next((c for s in meeting.sessions.all() for c in s.contributions.all()
                             if c.pk == contribution_id), None)
        if contribution is None:
            message = _("Choose a contribution of the chosen session.")
            raise ValidationFailed(message, field="contribution", errors={"contribution": [message]})
    return session, contribution


@router.post("/meetings/{meeting_id}/materials", response={201: MaterialOut},
             summary="Add a material to a meeting (staff; multipart: the fields and `file`)")
def materials_create(request, meeting_id: IdPath, payload: Form[MaterialIn], file: File[UploadedFile] = None):
    if not can(request.user, "create", Material):
        raise NotAllowed()
    meeting = _meeting(request, meeting_id)
    session, contribution = _place(meeting, payload.session, payload.contribution)
    material = services.material_create(
        meeting=meeting, title=payload.title, upload=file, by=request.user, session=session,
        contribution=contribution, kind=payload.kind, access=payload.access, access_roles=payload.access_roles,
        key=payload.idempotency_key)
    return Status(201, _material(material, meeting))
