""""Awaiting me" for administrators (accounts with no role) and staff (erasure requests): each task appears, and
leaves once someone entitled has done the work."""

import pytest

from pontis.accounts.services import role_grant
from pontis.core import registry
from pontis.experts.services.personal_data import erasure_request, profile_anonymise
from pontis.experts.tests.factories import make_profile
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def labels(user, kind) -> list[str]:
    for group in registry.tasks_for(user):
        if str(group["kind"]) == kind:
            return [str(t.label) for t in group["tasks"]]
    return []


def test_an_account_without_a_role_awaits_the_administrators(admin_user, officer):
    other_admin = user_with_role("admin")
    person = UserFactory(given_name="Nadia", family_name="Haddad")
    assert labels(admin_user, "Give the person a role") == ["Nadia Haddad"]
    assert labels(officer, "Give the person a role") == []  # officers do not manage roles
    role_grant(user=person, role="observer", by=other_admin)
    assert labels(admin_user, "Give the person a role") == []


def test_an_erasure_request_awaits_the_staff_until_the_profile_is_anonymised(officer, admin_user, expert_user):
    profile = make_profile(user=expert_user, given_name="Ana", family_name="Lopes")
    erasure_request(profile=profile, by=expert_user, reason="I left the field.")
    kind = "Answer the request to erase the expert's data"
    assert labels(officer, kind) == ["Ana Lopes"]
    profile_anonymise(profile=profile, by=admin_user)
    assert labels(officer, kind) == [] and labels(admin_user, kind) == []
