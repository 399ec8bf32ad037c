"""A small world for the protection tests: meetings at every level (with and without a panel), a material of every
kind in each, and one visitor of every sort (docs/meetings.md, "Who sees what")."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from pontis.core.models import Country
from pontis.events.models import Material, Meeting, Panel, PanelDelegate, Registration
from tests.factories import UserFactory, user_with_role

from .factories import make_meeting

LEVELS = ["public", "members", "registered", "roles"]
MATERIAL_LEVELS = ["inherit", *LEVELS]
ROLE = "committee"
_n = itertools.count(1)

# Which levels each visitor passes, on a meeting without a panel and on a meeting of the panel (spelled out, not
# computed: the tests compare the module's answers with this table).
PASSES = {
    "anonymous": ({"public"}, {"public"}),
    "non_member": ({"public", "members"}, {"public"}),
    "delegate": ({"public", "members"}, {"public", "members"}),
    "registered_account": ({"public", "members", "registered"}, {"public", "registered"}),
    "registered_link": ({"public", "registered"}, {"public", "registered"}),
    "pending_account": ({"public", "members"}, {"public"}),
    "withdrawn_link": ({"public"}, {"public"}),
    "role_holder": ({"public", "members", "roles"}, {"public", "roles"}),
    "staff": (set(LEVELS), set(LEVELS)),
}
VISITORS = list(PASSES)


def registration(meeting, *, status, user=None, email=None) -> Registration:
    n = next(_n)
    return Registration.objects.create(
        meeting=meeting, user=user, name=f"Participant {n}", email=email or f"participant{n}@example.org",
        gender="woman", institution_name="Ministry", country=Country.objects.get(code="PE"), status=status,
        token=f"token-{n}-" + "x" * 30)


def material(meeting, access, *, title=None, roles=()) -> Material:
    return Material.objects.create(
        meeting=meeting, kind="presentation", title={"en": title or f"{meeting.slug} {access}"},
        file=ContentFile(b"%PDF-1.4 secret", name="m.pdf"), original_name="secret-plan.pdf",
        content_type="application/pdf", size=15, access=access, access_roles=list(roles))


def build_world():
    """Meetings ``<level>`` and ``panel-<level>``, each with materials at every level; the visitors."""
    panel = Panel.objects.create(slug=f"panel-{next(_n)}", name={"en": "Panel on migration"}, access="members")
    world = {"panel": panel, "meetings": {}, "materials": {}}
    for in_panel in (False, True):
        for level in LEVELS:
            slug = f"{'panel-' if in_panel else ''}{level}-{next(_n)}"
            meeting = make_meeting(slug=slug, is_public=False, start=datetime.date(2018, 3, 5))
            Meeting.objects.filter(pk=meeting.pk).update(access=level, access_roles=[ROLE] if level == "roles" else [],
                                                         panel=panel if in_panel else None)
            meeting.refresh_from_db()
            world["meetings"][(in_panel, level)] = meeting
            for own in MATERIAL_LEVELS:
                world["materials"][(in_panel, level, own)] = material(
                    meeting, own, roles=[ROLE] if own == "roles" else [])
    delegate = UserFactory()
    PanelDelegate.objects.create(panel=panel, country=Country.objects.get(code="PE"), user=delegate, name="Delegate")
    registered = UserFactory()
    pending = UserFactory()
    link_ids, withdrawn_ids = [], []
    for meeting in world["meetings"].values():
        registration(meeting, status="approved", user=registered, email=registered.email)
        registration(meeting, status="pending", user=pending, email=pending.email)
        link_ids.append(registration(meeting, status="approved").pk)
        withdrawn_ids.append(registration(meeting, status="withdrawn").pk)
    world["visitors"] = {
        "anonymous": (AnonymousUser(), ()),
        "non_member": (UserFactory(), ()),
        "delegate": (delegate, ()),
        "registered_account": (registered, ()),
        "registered_link": (AnonymousUser(), tuple(link_ids)),
        "pending_account": (pending, ()),
        "withdrawn_link": (AnonymousUser(), tuple(withdrawn_ids)),
        "role_holder": (user_with_role(ROLE), ()),
        "staff": (user_with_role("officer"), ()),
    }
    return world


def rank(level):
    return LEVELS.index(level)


def expected_meeting(visitor: str, in_panel: bool, level: str) -> bool:
    return level in PASSES[visitor][in_panel]


def expected_material(visitor: str, in_panel: bool, meeting_level: str, own: str) -> bool:
    sees_meeting = expected_meeting(visitor, in_panel, meeting_level)
    if own == "inherit":
        return sees_meeting
    passes_own = own in PASSES[visitor][in_panel]
    if rank(own) < rank(meeting_level):  # widened by staff: its own level alone
        return passes_own
    return passes_own and sees_meeting
