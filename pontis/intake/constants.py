"""Numbers the facility promises; one place so every page, list and report agrees.

From /work/shared/domain/taxonomy.yaml (``rapid_reaction_days``): an Action is ready to launch
within three months of the request.
"""

from pontis.core.facility import RAPID_REACTION_DAYS  # noqa: F401  (defined once, in core)

# A submitted request nobody has screened for this long is listed as at risk.
UNSCREENED_AFTER_DAYS = 10
# Waiting this long for the requester or the committee is flagged as at risk.
WAITING_AFTER_DAYS = 14
