"""Every write to the roster. Sub-modules by topic; import from here."""

from .deployments import (  # noqa: F401
    booking_conflicts,
    conflict_of_interest,
    deployment_create,
    deployment_transition,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_from_token,
    invitation_token,
    invitation_withdraw,
    refresh_last_deployed,
    shortlist_add,
    shortlist_remove,
)
from .evaluations import evaluation_submit, organisation_feedback_submit  # noqa: F401
from .imports import import_job_create  # noqa: F401
from .jobs import import_job_run, import_jobs_recover_stale  # noqa: F401
from .personal_data import erasure_request, profile_anonymise, profile_export_data  # noqa: F401
from .profiles import (  # noqa: F401
    confirmation_token,
    profile_confirm_email,
    profile_reconfirm,
    profile_register,
    profile_transition,
    profile_update,
    profiles_remind_reconfirmation,
    profiles_stale,
    refresh_search_text,
    unavailability_add,
    unavailability_remove,
)
