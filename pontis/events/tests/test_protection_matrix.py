"""Every kind of material in every kind of meeting, for every sort of visitor: the one-object answers and the
list filters agree with the table in protection_world.PASSES."""

import pytest

from pontis.core.permissions import visible_to
from pontis.events import protection
from pontis.events.models import Material, Meeting
from pontis.events.selectors.materials import materials_visible_to

from .protection_world import VISITORS, build_world, expected_material, expected_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("who", VISITORS)
def test_meetings_each_visitor_may_see(world, who):
    # Given a meeting at every level, with and without a panel
    user, reg_ids = world["visitors"][who]
    expected = {m.pk for (in_panel, level), m in world["meetings"].items() if expected_meeting(who, in_panel, level)}
    # When the visitor asks, one by one and as a list
    one_by_one = {m.pk for m in world["meetings"].values() if protection.can_see_meeting(user, m, reg_ids)}
    listed = set(Meeting.objects.filter(protection.meeting_q(user, reg_ids)).values_list("pk", flat=True))
    # Then both answers are the table's
    assert one_by_one == expected
    assert listed == expected


@pytest.mark.parametrize("who", VISITORS)
def test_materials_each_visitor_may_open(world, who):
    user, reg_ids = world["visitors"][who]
    expected = {m.pk for key, m in world["materials"].items() if expected_material(who, *key)}
    one_by_one = {m.pk for m in world["materials"].values() if protection.can_open_material(user, m, reg_ids)}
    listed = set(Material.objects.filter(protection.material_q(user, reg_ids)).values_list("pk", flat=True))
    per_meeting = set()
    for meeting in world["meetings"].values():
        per_meeting |= set(materials_visible_to(user, meeting, reg_ids).values_list("pk", flat=True))
    assert one_by_one == expected
    assert listed == expected
    assert per_meeting == expected


def test_table_spot_checks(world):
    # A few rows written out, so that a mistake in the table's arithmetic cannot hide one in the module.
    materials = world["materials"]
    anonymous = world["visitors"]["anonymous"][0]
    link_user, link_ids = world["visitors"]["registered_link"]
    delegate = world["visitors"]["delegate"][0]
    non_member = world["visitors"]["non_member"][0]
    assert protection.can_open_material(anonymous, materials[(False, "public", "inherit")]) is True
    assert protection.can_open_material(anonymous, materials[(False, "public", "members")]) is False
    assert protection.can_open_material(anonymous, materials[(False, "members", "public")]) is True  # widened
    assert protection.can_open_material(link_user, materials[(False, "public", "registered")], link_ids) is True
    assert protection.can_open_material(link_user, materials[(False, "members", "registered")], link_ids) is False
    assert protection.can_open_material(delegate, materials[(True, "members", "inherit")]) is True
    assert protection.can_open_material(non_member, materials[(True, "members", "inherit")]) is False
    assert protection.can_open_material(non_member, materials[(False, "members", "inherit")]) is True


def test_material_effective_level(world):
    for (_in_panel, level, own), material in world["materials"].items():
        assert protection.material_effective_level(material) == (level if own == "inherit" else own)


@pytest.mark.parametrize("who, expected", [
    ("anonymous", {"public"}), ("non_member", {"public"}), ("delegate", {"public", "members"}),
    ("role_holder", {"public", "roles"}), ("staff", {"public", "members", "registered", "roles"}),
])
def test_panels_each_visitor_may_see(db, who, expected):
    from pontis.events.models import Panel
    from pontis.events.tests.protection_world import ROLE

    world = build_world()
    panels = {"members": world["panel"]}
    for level in ("public", "registered", "roles"):
        panels[level] = Panel.objects.create(slug=f"p-{level}", name={"en": level}, access=level,
                                             access_roles=[ROLE] if level == "roles" else [])
    # The delegate is a delegate of the members panel only.
    user = world["visitors"][who][0]
    visible = {p.access for p in visible_to(user, Panel).filter(pk__in=[p.pk for p in panels.values()])}
    one_by_one = {level for level, p in panels.items() if protection.can_see_panel(user, p)}
    assert visible == expected
    assert one_by_one == expected
