"""The gates pages declare (a policy verb asked of the model) let in exactly the roles the pages' own role lists
let in before the lists moved into the policies. Each row: model, verb, the roles that list named."""

import pytest

from pontis.accounts.models import Institution, RoleAssignment, User
from pontis.actions.models import Action, Activity, Deliverable
from pontis.core.models import AuditEvent
from pontis.core.permissions import can
from pontis.experts.models import Deployment, ExpertProfile, Invitation
from pontis.intake.models import Request
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROLES = ("admin", "officer", "committee", "focal_point", "expert", "observer")
STAFF = {"admin", "officer"}

GATES = [
    (Institution, "list", {"admin", "officer", "committee", "observer", "focal_point"}),
    (Institution, "change", STAFF),
    (User, "list", STAFF),
    (User, "create", {"admin"}),
    (RoleAssignment, "revoke", {"admin"}),
    (Request, "list", {"admin", "officer", "committee", "focal_point"}),
    (Request, "view", {"admin", "officer", "committee", "focal_point"}),
    (Request, "download", {"admin", "officer", "committee", "focal_point"}),
    (Request, "edit", {"focal_point"}),
    (Request, "submit", {"focal_point"}),
    (Request, "withdraw", {"focal_point"}),
    (Request, "answer", {"focal_point"}),
    (Request, "ask_info", STAFF),
    (Request, "forward", STAFF),
    (Request, "reject", {"admin", "officer", "committee"}),
    (Request, "decide", {"committee"}),
    (Request, "note", {"admin", "officer", "committee"}),
    (Request, "see_at_risk", STAFF),
    (Action, "list", {"admin", "officer", "committee", "focal_point", "expert"}),
    (Action, "view", {"admin", "officer", "committee", "focal_point", "expert"}),
    (Action, "see_process", {"admin", "officer", "observer"}),
    (Action, "see_at_risk", STAFF),
    (Action, "cancel", STAFF),
    (Action, "close", STAFF),
    (Activity, "create", STAFF),
    (Activity, "change", STAFF),
    (Activity, "transition", STAFF),
    (Deliverable, "create", STAFF),
    (Deliverable, "transition", STAFF),
    (ExpertProfile, "vet", STAFF),
    (ExpertProfile, "anonymise", STAFF),
    (ExpertProfile, "match", STAFF),
    (ExpertProfile, "import", STAFF),
    (Invitation, "create", STAFF),
    (Deployment, "change", STAFF),
    (Deployment, "evaluate", {"admin", "officer", "focal_point"}),
    (AuditEvent, "view_history", STAFF),
    (AuditEvent, "view_access_log", STAFF),
]


@pytest.fixture
def people(db):
    return {role: user_with_role(role) for role in ROLES}


@pytest.mark.parametrize("model,verb,allowed", GATES, ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_a_page_gate_lets_in_the_roles_its_list_named(people, model, verb, allowed):
    let_in = {role for role, person in people.items() if can(person, verb, model)}

    assert let_in == allowed
