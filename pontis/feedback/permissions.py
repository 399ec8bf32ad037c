"""Who sees and changes questionnaires, invitations, responses and indicators (one policy per object type)."""

from . import permissions_builder  # noqa: F401,E402,I001  (QuestionnairePolicy)
from . import permissions_distribution  # noqa: F401,E402  (InvitationPolicy, ResponsePolicy)
from . import permissions_indicators  # noqa: F401,E402  (IndicatorsPolicy)
