"""Every write to meeting materials and to who may see a panel, a meeting or a material (docs/meetings.md,
"Who sees what (protection)").

Files are checked by their content and size (``core.uploads.check_upload``: PDF, Word DOCX, PNG, JPEG, GIF, WebP;
PowerPoint is not accepted until core's checks know it), stored under a neutral name (``meeting-material-<id>.pdf``)
and served only through the permission check. The uploaded name is kept as data. The audit trail records the
material's fields, never the file's content.

An item's own level may only narrow what its parent allows (panel -> meeting -> material). A wider level is
refused unless facility staff confirm it (``confirm_widen=True``): then ``widened_by``/``widened_at`` record who
and when, and the audit row says "widened".
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, NotAllowed, ValidationFailed
from pontis.core.files import clear_file, replace_file
from pontis.core.i18n import clean_translations
from pontis.core.permissions import ensure
from pontis.core.roles import Role, is_staff
from pontis.core.uploads import DOCUMENTS_AND_IMAGES, check_upload, original_name, stored_name

from ..models import AccessLevel, Material, Meeting, Panel, RestrictedDisplay
from ..models.materials import INHERIT
from ..protection import is_wider

MATERIAL_ACCEPT = DOCUMENTS_AND_IMAGES
STORED_PREFIX = "meeting-material"


def _check(by, action, obj):
    if by is not None:
        ensure(by, action, obj)


def _fail(field: str, message: str, code: str = ""):
    raise ValidationFailed(message, field=field, errors={field: [message]}, **({"code": code} if code else {}))


def _clean_roles(access: str, access_roles) -> list[str]:
    roles = sorted({str(r) for r in (access_roles or ()) if str(r)})
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        _fail("access_roles", _("Choose roles from the list."))
    if access == AccessLevel.ROLES and not roles:
        _fail("access_roles", _("Choose at least one role that may see it."))
    return roles if access == AccessLevel.ROLES else []


def _widening(*, level: str, parent_level: str | None, by, confirm_widen: bool) -> bool:
    """True when ``level`` is wider than ``parent_level`` and the widening is confirmed; refuses it otherwise."""
    if parent_level is None or level == INHERIT or not is_wider(level, parent_level):
        return False
    if not confirm_widen:
        _fail("access", _("This lets more people in than its parent allows. Facility staff must confirm it."),
              code="widening_needs_confirmation")
    if by is not None and not is_staff(by):
        raise NotAllowed()
    return True


def _apply_widening(obj, widened: bool, by) -> None:
    if widened:
        obj.widened_by = by
        obj.widened_at = timezone.now()
    else:
        obj.widened_by = None
        obj.widened_at = None


def _title(title) -> dict:
    value = clean_translations(title)
    if not value:
        _fail("title", _("Give the material a title."))
    if any(len(text) > 300 for text in value.values()):
        _fail("title", _("The title is too long (at most 300 characters)."))
    return value


def _place(meeting: Meeting, session, contribution):
    """The session and contribution a material belongs to, checked against its meeting."""
    if contribution is not None:
        if session is not None and contribution.session_id != session.pk:
            _fail("contribution", _("Choose a contribution of the chosen session."))
        session = contribution.session
    if session is not None and session.meeting_id != meeting.pk:
        _fail("session", _("Choose a session of this meeting."))
    return session, contribution


def _store(material: Material, upload) -> None:
    checked = check_upload(upload, accept=MATERIAL_ACCEPT, field="file")
    material.original_name = original_name(upload) or "file"
    material.content_type = checked.mime
    material.size = upload.size
    if material.pk is None:
        material.save()  # the stored name needs the id
    replace_file(material, "file", upload, name=stored_name(STORED_PREFIX, material.pk, checked))


@transaction.atomic
def material_create(*, meeting: Meeting, title, upload, by=None, session=None, contribution=None,
                    kind: str = Material.Kind.PRESENTATION, access: str = INHERIT, access_roles=(),
                    speaker: bool = False, key: str | None = None, confirm_widen: bool = False) -> Material:
    """Add a material (checked file, neutral stored name, original name kept) to ``meeting``, optionally to one of
    its sessions or contributions, and audit it (fields only, never the content).

    ``by=None`` is the system or a speaker through their personal link (``speaker=True``; the caller checked the
    link). The same ``key`` answers the material the first call made (a double-submitted form, a retry). Raises
    ``NotAllowed`` for anyone but facility staff, ``ValidationFailed`` naming the field for a missing title, an
    unknown kind or level, a session or contribution of another meeting, a refused file, or a level wider than the
    meeting's without ``confirm_widen``."""
    _check(by, "create", Material)
    key = (key or "").strip()[:64] or None
    if key:
        existing = Material.objects.filter(creation_key=key).first()
        if existing is not None:
            # Only the same uploader's retry on the same place gets the material back; a key seen elsewhere tells
            # nothing about what it created.
            same = (existing.meeting_id == meeting.pk and existing.uploaded_by_id == getattr(by, "pk", None)
                    and existing.contribution_id == getattr(contribution, "pk", None))
            if same:
                return existing
            raise Conflict(_("This form was already used. Open the page again to add another material."),
                           code="key_used")
    title = _title(title)
    if kind not in Material.Kind.values:
        _fail("kind", _("Choose the kind of material."))
    if access not in dict(Material.ACCESS_CHOICES):
        _fail("access", _("Choose who may open it."))
    roles = _clean_roles(access, access_roles)
    session, contribution = _place(meeting, session, contribution)
    widened = _widening(level=access, parent_level=meeting.access, by=by, confirm_widen=confirm_widen)
    material = Material(meeting=meeting, session=session, contribution=contribution, kind=kind, title=title,
                        access=access, access_roles=roles, uploaded_by=by, uploaded_by_speaker=bool(speaker),
                        creation_key=key)
    _apply_widening(material, widened, by)
    _store(material, upload)
    material.save()
    audit.record_create(material, by=by, note="widened" if widened else ("speaker upload" if speaker else ""))
    return material


@transaction.atomic
def material_update(*, material: Material, by, title=None, kind: str | None = None, session=None,
                    contribution=None, upload=None, move: bool = False) -> Material:
    """Change a material's title, kind, place in the agenda (``move=True`` with the new session/contribution,
    both ``None`` for the meeting as a whole) or file. Its access is changed by ``material_set_access``.

    Raises ``NotAllowed`` or ``ValidationFailed`` (nothing saved)."""
    _check(by, "change", material)
    material = Material.objects.select_for_update().select_related("meeting").get(pk=material.pk)
    before = audit.snapshot(material)
    if title is not None:
        material.title = _title(title)
    if kind is not None:
        if kind not in Material.Kind.values:
            _fail("kind", _("Choose the kind of material."))
        material.kind = kind
    if move:
        material.session, material.contribution = _place(material.meeting, session, contribution)
    if upload is not None:
        _store(material, upload)
    material.save()
    audit.record_update(material, by=by, before=before)
    return material


@transaction.atomic
def material_delete(*, material: Material, by) -> None:
    """Remove a material and its file (the page asks for confirmation first). Raises ``NotAllowed``."""
    _check(by, "delete", material)
    audit.record_delete(material, by=by)
    clear_file(material, "file")
    material.delete()


@transaction.atomic
def material_set_access(*, material: Material, access: str, access_roles=(), by,
                        confirm_widen: bool = False) -> Material:
    """Set who may open ``material``: ``inherit`` (its meeting's level) or its own level, which may only be
    narrower than the meeting's unless staff confirm the widening (``confirm_widen``, recorded).

    Raises ``NotAllowed``, or ``ValidationFailed`` (code ``widening_needs_confirmation`` for an unconfirmed wider
    level; nothing saved)."""
    _check(by, "set_access", material)
    material = Material.objects.select_for_update().select_related("meeting").get(pk=material.pk)
    if access not in dict(Material.ACCESS_CHOICES):
        _fail("access", _("Choose who may open it."))
    roles = _clean_roles(access, access_roles)
    widened = _widening(level=access, parent_level=material.meeting.access, by=by, confirm_widen=confirm_widen)
    before = audit.snapshot(material)
    material.access, material.access_roles = access, roles
    _apply_widening(material, widened, by)
    material.save()
    audit.record_update(material, by=by, before=before, note="widened" if widened else "")
    return material


@transaction.atomic
def meeting_set_access(*, meeting: Meeting, access: str, access_roles=(), by,
                       restricted_display: str = RestrictedDisplay.LIST, restricted_reason: str = "",
                       restricted_contact: str = "", confirm_widen: bool = False) -> Meeting:
    """Set who may see ``meeting`` and how its restricted items show (listed with the reason and whom to ask, or
    hidden). A level wider than the meeting's panel needs staff confirmation (``confirm_widen``, recorded).

    Raises ``NotAllowed``, or ``ValidationFailed`` naming the field (nothing saved)."""
    _check(by, "set_access", meeting)
    # Locked alone: PostgreSQL cannot lock the nullable side of the join to the panel; the panel is read after.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if access not in AccessLevel.values:
        _fail("access", _("Choose who may see the meeting."))
    if restricted_display not in RestrictedDisplay.values:
        _fail("restricted_display", _("Choose whether restricted items are listed or hidden."))
    reason, contact = (restricted_reason or "").strip(), (restricted_contact or "").strip()
    if len(reason) > 300:
        _fail("restricted_reason", _("The reason is too long (at most 300 characters)."))
    if len(contact) > 300:
        _fail("restricted_contact", _("Whom to ask is too long (at most 300 characters)."))
    roles = _clean_roles(access, access_roles)
    parent = meeting.panel.access if meeting.panel_id else None
    widened = _widening(level=access, parent_level=parent, by=by, confirm_widen=confirm_widen)
    before = audit.snapshot(meeting)
    meeting.access, meeting.access_roles = access, roles
    meeting.restricted_display, meeting.restricted_reason, meeting.restricted_contact = (
        restricted_display, reason, contact)
    _apply_widening(meeting, widened, by)
    meeting.save()
    audit.record_update(meeting, by=by, before=before, note="widened" if widened else "")
    return meeting


@transaction.atomic
def panel_set_access(*, panel: Panel, access: str, access_roles=(), by) -> Panel:
    """Set who may see ``panel``; its meetings keep their own levels (a meeting wider than its panel stays as staff
    confirmed it). Raises ``NotAllowed`` or ``ValidationFailed`` (nothing saved)."""
    _check(by, "set_access", panel)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if access not in AccessLevel.values:
        _fail("access", _("Choose who may see the panel."))
    roles = _clean_roles(access, access_roles)
    before = audit.snapshot(panel)
    panel.access, panel.access_roles = access, roles
    panel.save()
    audit.record_update(panel, by=by, before=before, note="access")
    return panel
