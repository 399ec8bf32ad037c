"""Every write to requests. Views, the API, the demo loader and tests all go through these functions.

Approval (the decision and the Action it creates) is ``pontis.actions.services.request_approve``.
"""

from .delegation import delegation_consult, delegation_inform_approved, delegation_opinion_give
from .drafts import (
    request_create,
    request_draft_delete,
    request_endorsement_attach,
    request_endorsement_remove,
    request_save_draft,
)
from .ownership import request_assign_owner
from .workflow import (
    request_answer,
    request_ask_info,
    request_defer,
    request_forward,
    request_note,
    request_record_approval,
    request_reject,
    request_submit,
    request_withdraw,
)

__all__ = [
    "request_create",
    "request_save_draft",
    "request_draft_delete",
    "request_endorsement_attach",
    "request_endorsement_remove",
    "request_submit",
    "request_withdraw",
    "request_ask_info",
    "request_answer",
    "request_forward",
    "request_reject",
    "request_record_approval",
    "request_defer",
    "request_note",
    "delegation_consult",
    "delegation_opinion_give",
    "delegation_inform_approved",
    "request_assign_owner",
]
