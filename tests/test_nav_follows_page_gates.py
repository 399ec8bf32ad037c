"""The navigation shows each person the links to the pages that let them in, asked of the page's own policy gate:
no app keeps a role list for its menu entry next to the one its policy encodes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pontis.core import registry
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

# Public pages every visitor is offered (the library and its search read only what the reader may see).
PUBLIC_LINKS = {"core:home", "events:list", "library:list", "portal:home"}
STAFF_LINKS = PUBLIC_LINKS | {"intake:list", "intake:at_risk", "actions:list", "actions:process",
                              "experts:roster", "accounts:institutions", "accounts:people", "core:access_log",
                              "actions:mine", "feedback:builder_list", "reports:dashboard"}
# Who saw which link when each entry carried its own role list: the same people must see the same links.
EXPECTED = {
    "admin": STAFF_LINKS,
    "officer": STAFF_LINKS,
    "committee": PUBLIC_LINKS | {"intake:list", "actions:list", "accounts:institutions", "actions:mine",
                                 "reports:dashboard"},
    "focal_point": PUBLIC_LINKS | {"intake:list", "actions:list", "accounts:institutions"},
    "expert": PUBLIC_LINKS | {"actions:list", "experts:me"},
    "observer": PUBLIC_LINKS | {"actions:process", "accounts:institutions", "reports:dashboard"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_the_links_to_the_pages_that_let_it_in(role):
    shown = {entry.url_name for entry in registry.nav_for(user_with_role(role))}

    assert shown == EXPECTED[role]


def test_a_visitor_sees_the_public_links_only():
    assert {entry.url_name for entry in registry.nav_for(AnonymousUser())} == PUBLIC_LINKS


def test_a_link_to_a_page_with_a_policy_gate_keeps_no_role_list_of_its_own():
    gated = [entry for entry in registry._nav if entry.gate() is not None]

    assert {entry.url_name for entry in gated} >= STAFF_LINKS - PUBLIC_LINKS
    assert [entry.url_name for entry in gated if entry.roles] == []
