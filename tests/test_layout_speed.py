"""The base layout's menu: each link's address and its page's gate are read once per URL configuration, not on
every page; who sees which link is still decided on each request by the navigation entry's own rule."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from pontis.core import context_processors, registry
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

ROLES = ("admin", "officer", "committee", "focal_point", "expert", "observer")


def _links(entries):
    return [(entry.url_name, entry.url, str(entry.label)) for entry in entries]


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_each_person_the_links_the_registry_gives_them(role):
    user = user_with_role(role)
    assert _links(context_processors.nav_for(user)) == _links(registry.nav_for(user))


def test_a_visitor_sees_the_same_public_links():
    assert _links(context_processors.nav_for(AnonymousUser())) == _links(registry.nav_for(AnonymousUser()))


def test_the_menu_reads_no_url_again_once_resolved(monkeypatch):
    user = user_with_role("officer")
    context_processors.nav_for(user)
    resolved = []
    monkeypatch.setattr(registry.NavEntry, "gate", lambda self: resolved.append(self.url_name))
    assert _links(context_processors.nav_for(user)) == _links(
        [e for e in context_processors._nav_entries() if e.visible_for(user)]
    )
    assert resolved == []


def test_a_new_url_configuration_is_resolved_again(settings):
    user = user_with_role("officer")
    before = context_processors._nav_entries()
    settings.ROOT_URLCONF = "config.urls"  # the same routes, loaded again: a new resolver
    after = context_processors._nav_entries()
    assert after is not before
    assert _links(context_processors.nav_for(user)) == _links(registry.nav_for(user))


def test_the_layout_context_reads_a_flat_number_of_queries():
    user = user_with_role("officer")
    assert user.role_assignments  # read once per request by the authentication and MFA checks before the layout
    http = RequestFactory().get("/")
    http.user = user
    small, context = count_queries(lambda: context_processors.pontis(http), warm=False)
    assert [e.url_name for e in context["nav_entries"]] == [e.url_name for e in registry.nav_for(user)]
    assert small == 1  # the unread count, kept on the request
    again, _c = count_queries(lambda: context_processors.pontis(http), warm=False)
    assert_flat(0, again)
