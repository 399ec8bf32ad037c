"""The role vocabulary of the facility and the predicates every app asks.

Roles are held by people (``accounts.RoleAssignment``), but the words belong to core so that core and every
app can name them without importing the accounts app, whose ``models.Role`` is this same class.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Programme officer")
    COMMITTEE = "committee", _("Steering-committee member")
    FOCAL_POINT = "focal_point", _("Partner focal point")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Donor observer")
    DELEGATION = "delegation", _("EU Delegation")


# Facility staff: they run the process (screening, Actions, the roster).
STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICER})
# People who must sign in with a second factor.
MFA_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.COMMITTEE})


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def has_any_role(user, *roles) -> bool:
    """True when ``user`` is signed in, active and holds one of ``roles`` (False for anonymous visitors)."""
    return _signed_in(user) and user.has_any_role(*roles)


def is_staff(user) -> bool:
    """Facility staff (administrator or programme officer). The one definition every policy and view uses."""
    return has_any_role(user, *STAFF_ROLES)
