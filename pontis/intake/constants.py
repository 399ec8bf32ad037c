"""Numbers the facility promises; one place so every page, list and report agrees.

From /work/shared/domain/taxonomy.yaml (``rapid_reaction_days``): an Action is ready to launch
within three months of the request.
"""

RAPID_REACTION_DAYS = 90

# A submitted request nobody has screened for this long is listed as at risk.
UNSCREENED_AFTER_DAYS = 10
# Waiting this long for the requester or the committee is flagged as at risk.
WAITING_AFTER_DAYS = 14
