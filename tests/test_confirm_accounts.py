"""Revoking an API token and removing a role ask for confirmation; the confirmation helper itself."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from pontis.accounts import services
from pontis.accounts.models import ApiToken, RoleAssignment
from pontis.core.confirm import confirm_page, is_confirmed
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_revoking_a_token_asks_first_then_revokes(client, officer):
    token, _raw = services.api_token_issue(user=officer, name="Reporting script")
    client.force_login(officer)
    url = reverse("accounts:token_revoke", args=[token.pk])
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200 and "Revoke this API token?" in page and "Reporting script" in page
    assert "button--danger" in page and 'name="confirmed" value="1"' in page
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_removing_a_role_asks_first_then_removes(client, admin_user):
    person = user_with_role("observer")
    assignment = RoleAssignment.objects.get(user=person)
    client.force_login(admin_user)
    url = reverse("accounts:role_revoke", args=[assignment.pk])
    response = client.post(url)
    assert response.status_code == 200 and "Remove this role?" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_role_form_has_no_role_chosen_beforehand(client, admin_user):
    person = user_with_role("observer")
    client.force_login(admin_user)
    page = client.get(reverse("accounts:person", args=[person.pk])).content.decode()
    assert '<option value="" selected>Choose a role</option>' in page
    assert '<option value="admin" selected>' not in page


# ---------------------------------------------------------------- the helper


def _post(data):
    request = RequestFactory().post("/things/1/delete/?next=/x/", data)
    request.user = user_with_role("officer")
    request._messages = []
    return request


def test_is_confirmed_only_for_a_post_with_confirmed_1():
    assert is_confirmed(_post({"confirmed": "1"}))
    assert not is_confirmed(_post({"confirmed": "true"}))
    assert not is_confirmed(_post({}))
    get = RequestFactory().get("/things/1/delete/", {"confirmed": "1"})
    assert not is_confirmed(get)


def test_confirm_page_carries_the_posted_fields_and_refuses_a_foreign_cancel_link():
    request = _post({"reason": "<b>gone</b>", "csrfmiddlewaretoken": "x", "confirmed": "0", "tags": ["a", "b"]})
    response = confirm_page(request, title="Delete this thing?", consequences=["It goes.", "For good."],
                            button="Delete the thing", cancel_url="https://evil.example/")
    page = response.content.decode()
    assert "<h1>Delete this thing?</h1>" in page
    assert "<li>It goes.</li>" in page and "<li>For good.</li>" in page
    assert 'name="reason" value="&lt;b&gt;gone&lt;/b&gt;"' in page  # escaped
    assert page.count('name="tags"') == 2
    assert 'name="confirmed" value="0"' not in page and page.count('name="confirmed"') == 1
    assert 'name="csrfmiddlewaretoken" value="x"' not in page  # the page's own token, not the posted one
    assert 'action="/things/1/delete/?next=/x/"' in page  # posts back where it came from
    assert "evil.example" not in page


def test_confirm_page_carries_only_the_named_fields():
    request = _post({"reason": "r", "other": "o"})
    page = confirm_page(request, title="T", consequences=[], button="B", cancel_url="/",
                        carry=["reason"], extra={"step": "2"}).content.decode()
    assert 'name="reason" value="r"' in page and 'name="step" value="2"' in page and 'name="other"' not in page
