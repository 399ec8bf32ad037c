"""Documents on activities: the mission and fact-finding reports of the experts deployed on them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.files import replace_file
from pontis.core.notifications import notify
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.uploads import DOCUMENTS, check_upload, original_name, stored_name

from ..models import Activity, ActivityDocument
from ._common import action_url, activity_params, audience, focal_points


@transaction.atomic
def activity_document_add(*, activity: Activity, by, kind: str, upload,
                          idempotency_key: str | None = None) -> ActivityDocument:
    """Attach a report (PDF or DOCX, checked by its content and size) to an activity. Stored as
    ``activity-document-<id>.<ext>``; read only through the permission-checked download.

    Allowed to staff and to the experts confirmed on the activity. The same ``idempotency_key`` answers the same
    document. Raises NotAllowed, ValidationFailed (unknown kind, too big, not a PDF or DOCX, a hostile archive),
    IllegalTransition (the activity is cancelled)."""
    ensure(by, "upload_document", activity)
    claim = creation_claim(scope="actions.activity_document_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if kind not in ActivityDocument.Kind.values:
        message = _("Choose the kind of document.")
        raise ValidationFailed(message, field="kind", errors={"kind": [message]})
    if activity.status == Activity.Status.CANCELLED:
        raise IllegalTransition(_("This activity is cancelled."), code="activity_cancelled")
    checked = check_upload(upload, accept=DOCUMENTS, field="file")
    document = ActivityDocument(activity=activity, kind=kind, original_name=original_name(upload) or "file",
                                content_type=checked.mime, size=upload.size, uploaded_by=by)
    document.save()  # the stored name needs the id: activity-document-<id>.<ext>, from the checked content
    replace_file(document, "file", upload, name=stored_name("activity-document", document.pk, checked))
    document.save(update_fields=["file"])
    audit.record_create(document, by=by)
    claim.fulfil(document)
    action = activity.action
    notify(recipients=[p for p in audience(action) + focal_points(action) if p.pk != by.pk],
           event="actions.activity_document_added", params=activity_params(activity, kind=document.kind),
           target=action, url=action_url(action) + f"activities/{activity.pk}/",
           dedupe_key=f"activity-document-{document.pk}")
    return document
