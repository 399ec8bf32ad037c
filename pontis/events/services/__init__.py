"""Every write to the events app, one module per sub-topic; the names are importable from here."""

from .agenda import (  # noqa: F401
    contribution_create,
    contribution_delete,
    contribution_move,
    contribution_update,
    note_create,
    note_delete,
    note_move,
    note_update,
    session_create,
    session_delete,
    session_move,
    session_update,
    speaker_link_send,
    speaker_upload,
)
from .calendars import calendar_feed_create, calendar_feed_revoke  # noqa: F401
from .materials import (  # noqa: F401
    material_create,
    material_delete,
    material_set_access,
    material_update,
    meeting_set_access,
    panel_set_access,
)
from .meetings import (  # noqa: F401
    MEETING_FIELDS,
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_touch_calendar,
    meeting_update,
)
from .minutes import (  # noqa: F401
    minutes_comment_add,
    minutes_open_comments,
    minutes_publish,
    minutes_save,
)
from .panels import (  # noqa: F401
    delegate_add,
    delegate_remove,
    host_offer_confirm,
    host_offer_create,
    host_offer_decline,
    host_offer_withdraw,
    panel_create,
    panel_member_add,
    panel_member_remove,
    panel_update,
    programme_adopt,
    programme_create,
    topic_link_meeting,
)
from .registration import (  # noqa: F401
    attendance_check_in,
    attendance_self_check_in,
    attendance_undo,
    check_in_key_ensure,
    invitation_create,
    meeting_figures_sync,
    registration_capacity_set,
    registration_decide,
    registration_request,
    registration_withdraw,
    registrations_decide,
    waitlist_promote,
)
