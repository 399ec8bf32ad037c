"""Who may see a panel, a meeting and a material: the one place that answers (docs/meetings.md, "Who sees what").

Levels (``models.access.AccessLevel``), from the widest:

- ``public``: everyone, signed in or not;
- ``members``: signed-in active accounts; for a meeting of a panel (and its materials), only the panel's active
  delegates who have an account;
- ``registered``: the approved registrations of that meeting, by the account that registered or by the
  registration's personal link remembered in the browser's session (``events.visitor``);
- ``roles``: signed-in people holding one of the item's ``access_roles``.

Facility staff (administrators, programme officers) see everything.

A meeting's level is its own. A material's is its own, or its meeting's when ``inherit``. Narrowing is an
intersection: to open a material whose own level is as narrow as its meeting's or narrower, one must pass both; a
material widened beyond its meeting (only with a staff confirmation, recorded in ``widened_by``/``widened_at``)
is decided by its own level alone.

Two forms of every answer, with the same rules:

- ``meeting_q`` / ``material_q`` / ``panel_visible_q``: a ``Q`` for lists, counts, the API and sitemaps (one query,
  with subqueries; nothing per row);
- ``can_see_meeting`` / ``can_open_material``: a yes or no for one object, with at most two small queries per
  ``Visitor`` (the delegations and the approved registrations are looked up once, when first needed).
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q

from pontis.core.roles import is_staff

from .models import ACCESS_ORDER, PanelDelegate, Registration
from .models.materials import INHERIT

PUBLIC, MEMBERS, REGISTERED, ROLES = (level.value for level in ACCESS_ORDER)
_RANK = {level.value: index for index, level in enumerate(ACCESS_ORDER)}


def rank(level: str) -> int:
    """0 for public, growing as the level narrows; unknown levels count as the narrowest."""
    return _RANK.get(str(level), len(_RANK))


def is_wider(level: str, than: str) -> bool:
    """True when ``level`` lets more people in than ``than`` (``public`` is wider than ``members``)."""
    return rank(level) < rank(than)


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


class Visitor:
    """One visitor as the rules see them; build it once per request or list and ask it many times."""

    def __init__(self, user=None, registration_ids=()):
        self.user = user
        self.registration_ids = tuple(i for i in (registration_ids or ()) if isinstance(i, int))
        self.signed_in = _signed_in(user)
        self.staff = is_staff(user)

    @cached_property
    def role_codes(self) -> frozenset:
        if not self.signed_in:
            return frozenset()
        return frozenset(str(code) for code in getattr(self.user, "role_codes", ()) or ())

    @cached_property
    def delegated_panel_ids(self) -> frozenset:
        if not self.signed_in:
            return frozenset()
        return frozenset(PanelDelegate.objects.filter(user=self.user, is_active=True).values_list("panel_id", flat=True))

    @cached_property
    def registered_meeting_ids(self) -> frozenset:
        who = self._registration_filter()
        if who is None:
            return frozenset()
        return frozenset(Registration.objects.filter(who, status=Registration.Status.APPROVED)
                         .values_list("meeting_id", flat=True))

    def _registration_filter(self) -> Q | None:
        who = Q(pk__in=self.registration_ids) if self.registration_ids else None
        if self.signed_in:
            who = Q(user=self.user) if who is None else who | Q(user=self.user)
        return who

    # ------------------------------------------------------------------ one object

    def passes(self, level: str, roles, *, meeting_id, panel_id) -> bool:
        """Does this visitor pass ``level`` (with ``roles``) for an item of meeting ``meeting_id`` / panel ``panel_id``?"""
        if self.staff:
            return True
        level = str(level)
        if level == PUBLIC:
            return True
        if level == MEMBERS:
            if not self.signed_in:
                return False
            return panel_id is None or panel_id in self.delegated_panel_ids
        if level == REGISTERED:
            return meeting_id is not None and meeting_id in self.registered_meeting_ids
        if level == ROLES:
            return bool(self.signed_in and self.role_codes & {str(r) for r in (roles or ())})
        return False

    def can_see_meeting(self, meeting) -> bool:
        return self.passes(meeting.access, meeting.access_roles, meeting_id=meeting.pk, panel_id=meeting.panel_id)

    def can_open_material(self, material, meeting=None) -> bool:
        meeting = meeting or material.meeting
        if self.staff:
            return True
        sees_meeting = self.can_see_meeting(meeting)
        if material.access == INHERIT:
            return sees_meeting
        own = self.passes(material.access, material.access_roles, meeting_id=meeting.pk, panel_id=meeting.panel_id)
        if is_wider(material.access, meeting.access):
            return own
        return own and sees_meeting

    def can_see_panel(self, panel) -> bool:
        if self.staff or panel.access == PUBLIC:
            return True
        if panel.access == ROLES:
            return bool(self.signed_in and self.role_codes & {str(r) for r in (panel.access_roles or ())})
        # members and registered: the panel's delegates (a panel has no registrations of its own).
        return self.signed_in and panel.pk in self.delegated_panel_ids

    # ------------------------------------------------------------------ querysets

    def level_q(self, *, level: str, roles: str, meeting_id: str, panel_id: str) -> Q:
        """A ``Q`` true where the level in field ``level`` (roles in ``roles``) admits this visitor.

        The field names are relative to the filtered model (``access`` on Meeting, ``meeting__panel_id`` on
        Material...). Subqueries only: the result stays one query whatever the number of rows."""
        allowed = Q(**{level: PUBLIC})
        if not self.signed_in and not self.registration_ids:
            return allowed
        if self.signed_in:
            delegations = PanelDelegate.objects.filter(user=self.user, is_active=True).values("panel_id")
            allowed |= Q(**{level: MEMBERS, f"{panel_id}__isnull": True})
            allowed |= Q(**{level: MEMBERS, f"{panel_id}__in": delegations})
            roles_q = Q()
            for code in sorted(self.role_codes):
                # JSON lists are stored as text on SQLite and PostgreSQL alike: a quoted code matches one element.
                roles_q |= Q(**{f"{roles}__icontains": f'"{code}"'})
            if self.role_codes:
                allowed |= Q(**{level: ROLES}) & roles_q
        who = self._registration_filter()
        if who is not None:
            approved = Registration.objects.filter(who, status=Registration.Status.APPROVED).values("meeting_id")
            allowed |= Q(**{level: REGISTERED, f"{meeting_id}__in": approved})
        return allowed

    def meeting_q(self, prefix: str = "") -> Q:
        if self.staff:
            return Q()
        return self.level_q(level=f"{prefix}access", roles=f"{prefix}access_roles",
                            meeting_id=f"{prefix}id", panel_id=f"{prefix}panel_id")

    def material_q(self) -> Q:
        if self.staff:
            return Q()
        sees_meeting = self.meeting_q("meeting__")
        own = self.level_q(level="access", roles="access_roles", meeting_id="meeting_id", panel_id="meeting__panel_id")
        widened = Q()
        for index, level in enumerate(ACCESS_ORDER):
            narrower = [str(other) for other in ACCESS_ORDER[index + 1:]]
            if narrower:
                widened |= Q(access=str(level), meeting__access__in=narrower)
        return (Q(access=INHERIT) & sees_meeting) | (~Q(access=INHERIT) & own & (sees_meeting | widened))

    def panel_q(self) -> Q:
        if self.staff:
            return Q()
        allowed = Q(access=PUBLIC)
        if self.signed_in:
            delegations = PanelDelegate.objects.filter(user=self.user, is_active=True).values("panel_id")
            allowed |= Q(access__in=[MEMBERS, REGISTERED], pk__in=delegations)
            roles_q = Q()
            for code in sorted(self.role_codes):
                roles_q |= Q(access_roles__icontains=f'"{code}"')
            if self.role_codes:
                allowed |= Q(access=ROLES) & roles_q
        return allowed


# ---------------------------------------------------------------------- the module's answers


def visitor(user=None, registration_ids=()) -> Visitor:
    return Visitor(user, registration_ids)


def meeting_q(user, registration_ids=()) -> Q:
    """A filter on ``Meeting`` for the meetings this visitor may see (lists, counts, API, sitemaps)."""
    return Visitor(user, registration_ids).meeting_q()


def material_q(user, registration_ids=()) -> Q:
    """A filter on ``Material`` for the materials this visitor may open (meeting check included)."""
    return Visitor(user, registration_ids).material_q()


def panel_visible_q(user) -> Q:
    """A filter on ``Panel`` for the panels this visitor may see."""
    return Visitor(user).panel_q()


def can_see_meeting(user, meeting, registration_ids=()) -> bool:
    return Visitor(user, registration_ids).can_see_meeting(meeting)


def material_effective_level(material, meeting=None) -> str:
    """The level that applies to ``material``: its own, or its meeting's when it inherits."""
    if material.access == INHERIT:
        return str((meeting or material.meeting).access)
    return str(material.access)


def can_open_material(user, material, registration_ids=()) -> bool:
    return Visitor(user, registration_ids).can_open_material(material)


def can_see_panel(user, panel) -> bool:
    return Visitor(user).can_see_panel(panel)


def meeting_is_indexable(meeting) -> bool:
    """Only public meetings may be indexed by search engines; the others' pages say ``noindex``."""
    return str(meeting.access) == PUBLIC


def material_is_indexable(material, meeting=None) -> bool:
    meeting = meeting or material.meeting
    return material_effective_level(material, meeting) == PUBLIC and (
        material.access == INHERIT or is_wider(material.access, meeting.access) or meeting_is_indexable(meeting))


__all__ = [
    "PUBLIC", "MEMBERS", "REGISTERED", "ROLES", "Visitor", "visitor", "rank", "is_wider",
    "meeting_q", "material_q", "panel_visible_q", "can_see_meeting", "material_effective_level",
    "can_open_material", "can_see_panel", "meeting_is_indexable", "material_is_indexable",
]
