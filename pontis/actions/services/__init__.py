"""Every write to Actions and what belongs to them. Split by sub-topic; import from here."""

from .actions import (  # noqa: F401
    action_cancel,
    action_close,
    action_close_blockers,
    action_create,
    action_create_from_request,
    action_update,
    next_action_code,
    partner_set,
    region_for,
    title_for,
)
from .activities import (  # noqa: F401
    activity_cancel,
    activity_confirm,
    activity_create,
    activity_deliver,
    activity_get_or_create_for_import,
    activity_participants_from_attendance,
    activity_postpone,
    activity_report,
    activity_reschedule,
    activity_update,
)
from .approval import request_approve  # noqa: F401
from .delegation import delegation_inform_started  # noqa: F401
from .deliverables import deliverable_advance, deliverable_create, deliverable_file_add, deliverable_update  # noqa: F401
from .documents import activity_document_add  # noqa: F401
from .fiche import (  # noqa: F401
    current_draft,
    fiche_agree,
    fiche_comment_add,
    fiche_diff,
    fiche_partner_agree,
    fiche_proposal_decide,
    fiche_propose,
    fiche_redesign,
    fiche_save,
)
from .followups import followup_record, followups_send_due_reminders  # noqa: F401
from .ownership import action_assign_owner  # noqa: F401
from .partners import partner_add, partner_change, partner_remove, partners_changeable  # noqa: F401
