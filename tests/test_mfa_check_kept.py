"""``user_has_mfa`` reads the person's TOTP authenticator through a statement compiled once per worker
(``core.awaiting.prepared_rows``) instead of building the query on every staff page: the same answer as the ORM
query it replaced, one query at any number of authenticators, and still asked of the database on every request,
so an authenticator removed is seen on the very next request and one added lets the person through at once.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from pontis.accounts.middleware import user_has_mfa
from pontis.core import awaiting as core_awaiting
from tests.factories import give_totp, user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def _before(user) -> bool:
    """The check as it was written: the ORM query, built every time."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _fresh(user):
    """The person as the next request loads them (nothing kept on the object)."""
    return type(user).objects.get(pk=user.pk)


def test_the_answer_is_the_orm_query_for_each_person():
    core_awaiting.forget_prepared()
    with_totp = user_with_role("officer")
    without = user_with_role("officer", mfa=False)
    focal = user_with_role("focal_point")
    codes_only = user_with_role("committee", mfa=False)
    Authenticator.objects.create(user=codes_only, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    for user in (with_totp, without, focal, codes_only, with_totp, without):  # the statement kept after the first
        assert user_has_mfa(_fresh(user)) is _before(user)
    assert [user_has_mfa(_fresh(u)) for u in (with_totp, without, focal, codes_only)] == [True, False, False, False]
    assert [key for key, entry in core_awaiting._prepared.items() if key[0] == "accounts.user_has_mfa" and entry]


def test_one_query_at_any_number_of_authenticators():
    officer = user_with_role("officer")
    small, answer = count_queries(lambda: user_has_mfa(_fresh(officer)) and None)
    for _ in range(12):
        user_with_role("officer")
    large, answer = count_queries(lambda: user_has_mfa(_fresh(officer)) and None)
    assert_flat(small, large)
    assert small == 2  # the person, then their authenticator


def test_a_removed_authenticator_is_seen_on_the_very_next_request(settings, client):
    settings.PONTIS_RELAX_MFA = False
    officer = user_with_role("officer")
    client.force_login(officer)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
    Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).delete()
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    give_totp(officer)  # set up again: let through at once
    assert client.get("/").status_code == 200


def test_an_authenticator_added_lets_the_person_through_at_once(settings, client):
    settings.PONTIS_RELAX_MFA = False
    newcomer = user_with_role("officer", mfa=False)
    client.force_login(newcomer)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    give_totp(newcomer)
    assert client.get("/").status_code == 200
