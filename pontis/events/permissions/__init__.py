"""One policy per object type of the events app, one module per sub-topic (imported here to register them)."""

from . import meetings  # noqa: F401, I001  (one line per sub-topic, in the order they were added)
from . import registration  # noqa: F401,E402  (registrations, invitations, attendance, calendar feeds)
from . import minutes  # noqa: F401,E402  (panel members, delegates, programmes, host offers, minutes)
from . import materials, panels  # noqa: F401,E402  (protection: materials and panels)
