"""Deliverables: register, drafted -> validated -> endorsed -> adopted with evidence, attached files."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.uploads import DOCUMENTS_AND_IMAGES, check_upload, original_name, stored_name
from pontis.core.workflow import check_transition, transition

from ..models import Action, Deliverable, DeliverableFile
from ._common import today

EVIDENCE_NEEDED = {Deliverable.Status.ENDORSED, Deliverable.Status.ADOPTED}


@transaction.atomic
def deliverable_create(*, action: Action, by, type, title: dict, activity=None, evidence: str = "", languages=(),
                       idempotency_key: str | None = None) -> Deliverable:
    """Register a drafted deliverable. Same ``idempotency_key``, same deliverable.
    Raises NotAllowed, ValidationFailed (no title, activity of another Action), IllegalTransition (Action cancelled)."""
    ensure(by, "create", Deliverable)
    claim = creation_claim(scope="actions.deliverable_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if action.status == Action.Status.CANCELLED:
        raise IllegalTransition(_("This Action is cancelled."), code="action_closed")
    if not title:
        raise ValidationFailed(_("Give the deliverable a title."), field="title", errors={"title": [_("Give the deliverable a title.")]})
    if activity is not None and activity.action_id != action.pk:
        raise ValidationFailed(_("This activity belongs to another Action."), field="activity")
    deliverable = Deliverable.objects.create(action=action, activity=activity, type=type, title=title,
                                             evidence=(evidence or "").strip(), status_changed_on=today())
    deliverable.languages.set(languages)
    audit.record_create(deliverable, by=by)
    return claim.fulfil(deliverable)


@transaction.atomic
def deliverable_update(*, deliverable: Deliverable, by, languages=None, **fields) -> Deliverable:
    """Change title, type, activity or evidence. Raises NotAllowed, ValidationFailed."""
    ensure(by, "change", deliverable)
    unknown = set(fields) - {"title", "type", "activity", "evidence"}
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "title" in fields and not fields["title"]:
        raise ValidationFailed(_("Give the deliverable a title."), field="title")
    if fields.get("activity") is not None and fields["activity"].action_id != deliverable.action_id:
        raise ValidationFailed(_("This activity belongs to another Action."), field="activity")
    with audit.tracking(deliverable, by=by):
        for key, value in fields.items():
            setattr(deliverable, key, value.strip() if isinstance(value, str) else value)
        deliverable.save()
        if languages is not None:
            deliverable.languages.set(languages)
    return deliverable


@transaction.atomic
def deliverable_advance(*, deliverable: Deliverable, by, to: str, evidence: str = "") -> Deliverable:
    """Move one step: drafted -> validated -> endorsed -> adopted. Endorsed and adopted need evidence
    (given now or already recorded). Raises NotAllowed, IllegalTransition, ValidationFailed."""
    ensure(by, "transition", deliverable)
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    check_transition(deliverable, to)
    evidence = (evidence or "").strip()
    if to in EVIDENCE_NEEDED and not (evidence or deliverable.evidence):
        message = _("Record the evidence (for example the decree or decision that adopted it).")
        raise ValidationFailed(message, field="evidence", errors={"evidence": [message]})
    if evidence:
        deliverable.evidence = evidence
    deliverable.status_changed_on = today()
    transition(deliverable, to=to, by=by, note=evidence)
    return deliverable


@transaction.atomic
def deliverable_file_add(*, deliverable: Deliverable, by, upload) -> DeliverableFile:
    """Attach a PDF, DOCX or image, checked by its content and size; stored under MEDIA_ROOT and served only
    through a permission-checked view. Raises NotAllowed, ValidationFailed (too big, not an allowed type)."""
    ensure(by, "upload", deliverable)
    kind = check_upload(upload, accept=DOCUMENTS_AND_IMAGES, field="file")
    item = DeliverableFile(deliverable=deliverable, original_name=original_name(upload) or "file",
                           content_type=kind.mime, size=upload.size, uploaded_by=by)
    item.save()  # the stored name needs the id: deliverable-<id>.<ext>, from the checked content
    item.file.save(stored_name("deliverable", item.pk, kind), upload, save=False)
    item.save(update_fields=["file"])
    audit.record_create(item, by=by)
    return item
