"""Materials and access settings through the services: upload checks, neutral stored names, the audit trail, and
the narrowing rule (a wider level than the parent's is refused without staff confirmation, recorded with it)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pontis.core.errors import Conflict, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from pontis.events.models import Material, Meeting, Panel
from pontis.events.services import (
    material_create,
    material_delete,
    material_set_access,
    material_update,
    meeting_set_access,
    panel_set_access,
)

from .factories import make_agenda, make_meeting

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="Minister's talk (final).pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile("notes.docx", buffer.getvalue())


def members_meeting(**extra):
    meeting = make_meeting(is_public=False, **extra)
    assert meeting.access == "members"
    return meeting


def audit_rows(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
                .order_by("id").values_list("action", "note"))


def test_staff_upload_is_checked_and_stored_under_a_neutral_name(officer):
    meeting = members_meeting()
    session = make_agenda(meeting, sessions=1, contributions=1)[0]
    contribution = session.contributions.get()

    material = material_create(meeting=meeting, title={"en": "Opening remarks"}, upload=pdf(), by=officer,
                               contribution=contribution)

    material.refresh_from_db()
    assert material.file.name == f"meeting-materials/{meeting.pk}/meeting-material-{material.pk}.pdf"
    assert material.original_name == "Minister's talk (final).pdf"
    assert (material.content_type, material.size, material.access) == ("application/pdf", len(PDF), "inherit")
    assert (material.session_id, material.contribution_id) == (session.pk, contribution.pk)
    assert material.uploaded_by == officer and material.uploaded_by_speaker is False
    assert audit_rows(material) == [("create", "")]
    recorded = AuditEvent.objects.get(object_id=str(material.pk), content_type__model="material").changes
    assert "PDF-1.4" not in str(recorded)


def test_a_word_document_is_accepted(officer):
    material = material_create(meeting=members_meeting(), title="Notes", upload=docx(), by=officer, kind="document")
    assert material.content_type.endswith("wordprocessingml.document")
    assert material.file.name.endswith(f"meeting-material-{material.pk}.docx")


def test_the_same_key_answers_the_same_material(officer):
    meeting = members_meeting()
    first = material_create(meeting=meeting, title="Slides", upload=pdf(), by=officer, key="k-1")
    again = material_create(meeting=meeting, title="Slides", upload=pdf(), by=officer, key="k-1")
    assert again.pk == first.pk
    assert Material.objects.count() == 1


def test_a_key_used_by_someone_else_answers_nothing_of_theirs(officer, admin_user):
    meeting = members_meeting()
    material_create(meeting=meeting, title="Slides", upload=pdf(), by=officer, key="k-2")
    with pytest.raises(Conflict):
        material_create(meeting=meeting, title="Other", upload=pdf(), by=admin_user, key="k-2")
    assert Material.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_only_staff_upload(make_user, role):
    meeting = members_meeting()
    with pytest.raises(NotAllowed):
        material_create(meeting=meeting, title="Slides", upload=pdf(), by=make_user(role))
    assert Material.objects.count() == 0


@pytest.mark.parametrize("upload, field", [
    (SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 60), "file"),
    (SimpleUploadedFile("empty.pdf", b""), "file"),
])
def test_refused_files_store_nothing(officer, upload, field):
    with pytest.raises(ValidationFailed) as refused:
        material_create(meeting=members_meeting(), title="Slides", upload=upload, by=officer)
    assert refused.value.field == field
    assert Material.objects.count() == 0


def test_a_file_over_the_limit_is_refused(officer, settings):
    settings.PONTIS_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationFailed) as refused:
        material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer)
    assert refused.value.field == "file"
    assert Material.objects.count() == 0


def test_a_session_of_another_meeting_is_refused(officer):
    other_session = make_agenda(members_meeting(), sessions=1, contributions=0)[0]
    with pytest.raises(ValidationFailed) as refused:
        material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer, session=other_session)
    assert refused.value.field == "session"
    assert Material.objects.count() == 0


def test_a_title_is_required_and_roles_need_a_role(officer):
    meeting = members_meeting()
    with pytest.raises(ValidationFailed) as no_title:
        material_create(meeting=meeting, title="  ", upload=pdf(), by=officer)
    with pytest.raises(ValidationFailed) as no_role:
        material_create(meeting=meeting, title="Slides", upload=pdf(), by=officer, access="roles")
    assert (no_title.value.field, no_role.value.field) == ("title", "access_roles")
    assert Material.objects.count() == 0


def test_a_speaker_upload_is_marked_as_such():
    meeting = members_meeting()
    contribution = make_agenda(meeting, sessions=1, contributions=1)[0].contributions.get()
    material = material_create(meeting=meeting, title="My slides", upload=pdf(), by=None, contribution=contribution,
                               speaker=True)
    assert material.uploaded_by_speaker is True and material.uploaded_by is None
    assert audit_rows(material) == [("create", "speaker upload")]


# ------------------------------------------------------------------ narrowing and widening


def test_narrowing_a_material_needs_no_confirmation(officer):
    material = material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer)
    material_set_access(material=material, access="registered", by=officer)
    material.refresh_from_db()
    assert (material.access, material.widened_by, material.widened_at) == ("registered", None, None)


def test_widening_a_material_is_refused_without_confirmation(officer):
    material = material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer)
    rows_before = audit_rows(material)

    with pytest.raises(ValidationFailed) as refused:
        material_set_access(material=material, access="public", by=officer)

    assert refused.value.code == "widening_needs_confirmation"
    material.refresh_from_db()
    assert (material.access, material.widened_by) == ("inherit", None)
    assert audit_rows(material) == rows_before


def test_widening_a_material_with_confirmation_is_recorded(officer):
    material = material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer)

    material_set_access(material=material, access="public", by=officer, confirm_widen=True)

    material.refresh_from_db()
    assert (material.access, material.widened_by) == ("public", officer)
    assert material.widened_at is not None
    assert audit_rows(material)[-1] == ("update", "widened")


def test_widening_at_upload_is_refused_without_confirmation(officer):
    with pytest.raises(ValidationFailed) as refused:
        material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer, access="public")
    assert refused.value.code == "widening_needs_confirmation"
    assert Material.objects.count() == 0


def test_non_staff_cannot_set_access(officer, committee_member):
    material = material_create(meeting=members_meeting(), title="Slides", upload=pdf(), by=officer)
    with pytest.raises(NotAllowed):
        material_set_access(material=material, access="public", by=committee_member, confirm_widen=True)
    material.refresh_from_db()
    assert material.access == "inherit"


def test_a_meeting_wider_than_its_panel_needs_confirmation(officer):
    panel = Panel.objects.create(slug="eap", name={"en": "Panel"}, access="members")
    meeting = members_meeting(panel=panel)

    with pytest.raises(ValidationFailed) as refused:
        meeting_set_access(meeting=meeting, access="public", by=officer, restricted_reason="Delegates only")
    meeting.refresh_from_db()
    assert (refused.value.code, meeting.access, meeting.restricted_reason) == (
        "widening_needs_confirmation", "members", "")

    meeting_set_access(meeting=meeting, access="public", by=officer, confirm_widen=True,
                       restricted_display="hide", restricted_reason="Delegates only",
                       restricted_contact="secretariat@example.org")
    meeting.refresh_from_db()
    assert (meeting.access, meeting.widened_by, meeting.restricted_display, meeting.restricted_reason,
            meeting.restricted_contact) == ("public", officer, "hide", "Delegates only", "secretariat@example.org")
    assert audit_rows(meeting)[-1] == ("update", "widened")


def test_a_meeting_without_panel_sets_any_level(officer):
    meeting = members_meeting()
    meeting_set_access(meeting=meeting, access="roles", access_roles=["committee", "committee"], by=officer)
    meeting.refresh_from_db()
    assert (meeting.access, meeting.access_roles, meeting.widened_by) == ("roles", ["committee"], None)


def test_unknown_roles_are_refused(officer):
    meeting = members_meeting()
    with pytest.raises(ValidationFailed) as refused:
        meeting_set_access(meeting=meeting, access="roles", access_roles=["king"], by=officer)
    meeting.refresh_from_db()
    assert (refused.value.field, meeting.access) == ("access_roles", "members")


def test_panel_access(officer, committee_member):
    panel = Panel.objects.create(slug="eap", name={"en": "Panel"}, access="public")
    with pytest.raises(NotAllowed):
        panel_set_access(panel=panel, access="members", by=committee_member)
    panel.refresh_from_db()
    assert panel.access == "public"
    panel_set_access(panel=panel, access="members", by=officer)
    panel.refresh_from_db()
    assert panel.access == "members"


def test_update_and_delete(officer, committee_member):
    meeting = members_meeting()
    session = make_agenda(meeting, sessions=1, contributions=0)[0]
    material = material_create(meeting=meeting, title="Slides", upload=pdf(), by=officer)
    material_update(material=material, by=officer, title={"en": "Final slides"}, kind="report", session=session,
                    move=True)
    material.refresh_from_db()
    assert (material.title, material.kind, material.session_id) == ({"en": "Final slides"}, "report", session.pk)

    with pytest.raises(NotAllowed):
        material_delete(material=material, by=committee_member)
    assert Material.objects.filter(pk=material.pk).exists()
    pk = material.pk
    material_delete(material=material, by=officer)
    assert not Material.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), content_type__model="material").latest("id").action == "delete"
    assert Meeting.objects.filter(pk=meeting.pk).exists()
