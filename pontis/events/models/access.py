"""The protection levels shared by panels, meetings and materials (docs/meetings.md, "Protection").

A material inherits its meeting's level and a meeting its panel's; an item's own level may only be as narrow or
narrower than the one it inherits (``ACCESS_ORDER``: later is narrower). Widening needs a staff confirmation,
recorded on the item.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Signed-in members")
    REGISTERED = "registered", _("Registered participants")
    ROLES = "roles", _("Named roles only")


# From the widest to the narrowest.
ACCESS_ORDER = [AccessLevel.PUBLIC, AccessLevel.MEMBERS, AccessLevel.REGISTERED, AccessLevel.ROLES]


class RestrictedDisplay(models.TextChoices):
    LIST = "list", _("List restricted items with the reason and whom to ask")
    HIDE = "hide", _("Hide restricted items")
