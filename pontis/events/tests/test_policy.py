import pytest
from django.contrib.auth.models import AnonymousUser

from pontis.core.permissions import can, visible_to
from pontis.events.models import Contribution, Meeting, Session

from .factories import make_agenda, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    public = make_meeting(slug="public-one", is_public=True)
    private = make_meeting(slug="private-one", is_public=False)
    make_agenda(public, sessions=1, contributions=1)
    make_agenda(private, sessions=1, contributions=1)
    return public, private


def test_anonymous_visitors_see_public_meetings_only(meetings):
    anonymous = AnonymousUser()
    assert list(visible_to(anonymous, Meeting).values_list("slug", flat=True)) == ["public-one"]
    assert visible_to(anonymous, Session).count() == 1
    assert visible_to(anonymous, Contribution).count() == 1


@pytest.mark.parametrize("role", ["admin", "officer", "committee", "focal_point", "expert", "observer"])
def test_signed_in_people_see_every_meeting(make_user, meetings, role):
    user = make_user(role)
    assert sorted(visible_to(user, Meeting).values_list("slug", flat=True)) == ["private-one", "public-one"]
    assert visible_to(user, Session).count() == 2


def test_a_person_without_any_role_still_sees_all_meetings(plain_user, meetings):
    assert visible_to(plain_user, Meeting).count() == 2


def test_deactivated_person_sees_public_meetings_only(plain_user, meetings):
    plain_user.is_active = False
    plain_user.save()
    assert list(visible_to(plain_user, Meeting).values_list("slug", flat=True)) == ["public-one"]


@pytest.mark.parametrize("role, allowed", [("admin", True), ("officer", True), ("committee", False), ("focal_point", False),
                                           ("expert", False), ("observer", False)])
def test_only_facility_staff_change_meetings(make_user, meetings, role, allowed):
    user = make_user(role)
    public, _private = meetings
    assert can(user, "create", Meeting) is allowed
    assert can(user, "change", public) is allowed
    assert can(user, "mark_held", public) is allowed


def test_anonymous_may_not_change_anything(meetings):
    assert can(AnonymousUser(), "change", meetings[0]) is False
    assert can(AnonymousUser(), "create", Meeting) is False
