"""An account created by an administrator (people pages or admin site) gets one welcome e-mail, in the person's
language, with a link to choose a password that works once and expires."""

import datetime
import re

import pytest
from django.urls import reverse

from pontis.accounts.invitations import INVITATION_MAX_AGE, InvitationTokenGenerator, account_invitation_send
from pontis.accounts.models import User
from pontis.core.models import AuditEvent, OutboxEmail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-river-42"


def _link(email: OutboxEmail) -> str:
    """The site-relative path of the welcome link in the e-mail's body."""
    match = re.search(r"https?://[^/\s]+(/people/welcome/[^\s]+/)", email.body)
    assert match, email.body
    return match.group(1)


def _create_on_people_page(client, admin_user, *, email="ana@example.org", language="en"):
    client.force_login(admin_user)
    response = client.post(reverse("accounts:person_create"), {
        "email": email, "given_name": "Ana", "family_name": "López", "language": language})
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_a_person_created_on_the_people_page_gets_one_welcome_email_in_their_language(client, admin_user):
    person = _create_on_people_page(client, admin_user, language="fr")

    email = OutboxEmail.objects.get(key=f"account-invitation-{person.pk}")
    assert email.to == ["ana@example.org"]
    assert "/people/welcome/" in email.body and "ana@example.org" in email.body
    assert person.has_usable_password() is False
    assert AuditEvent.objects.for_object(person).filter(note="invitation e-mail to choose a password").count() == 1


def test_the_welcome_email_is_written_in_the_persons_language(client, admin_user):
    from django.utils import translation

    person = _create_on_people_page(client, admin_user, language="es")
    email = OutboxEmail.objects.get(key=f"account-invitation-{person.pk}")
    with translation.override("es"):
        subject = translation.gettext("Your Pontis account is ready: choose your password")
        sign_in = translation.gettext("Sign in")
    assert sign_in != "Sign in"  # translated in the catalogue: the body below proves the e-mail's language
    assert email.subject == subject and f"{sign_in}: " in email.body


def test_asking_again_sends_nothing_more(client, admin_user):
    person = _create_on_people_page(client, admin_user)

    assert account_invitation_send(user=person, by=admin_user) is False

    assert OutboxEmail.objects.filter(key__startswith="account-invitation-").count() == 1


def test_the_link_sets_a_password_once_then_is_refused(client, admin_user):
    person = _create_on_people_page(client, admin_user)
    link = _link(OutboxEmail.objects.get(key=f"account-invitation-{person.pk}"))
    client.logout()

    page = client.get(link)
    assert page.status_code == 200 and "ana@example.org" in page.content.decode()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("account_login")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)

    # The token was bound to the old password: the same link is now refused, and changes nothing.
    again = client.post(link, {"new_password1": "Another-pass-99", "new_password2": "Another-pass-99"})
    assert again.status_code == 400
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 400


def test_a_mismatched_password_is_an_error_on_the_page_and_keeps_the_link_valid(client, admin_user):
    person = _create_on_people_page(client, admin_user)
    link = _link(OutboxEmail.objects.get(key=f"account-invitation-{person.pk}"))
    client.logout()

    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-7"})

    assert response.status_code == 200 and response.context["form"].errors
    person.refresh_from_db()
    assert person.has_usable_password() is False
    assert client.get(link).status_code == 200


def test_the_link_expires(client, admin_user, monkeypatch):
    person = _create_on_people_page(client, admin_user)
    link = _link(OutboxEmail.objects.get(key=f"account-invitation-{person.pk}"))
    client.logout()
    later = datetime.datetime.now() + datetime.timedelta(seconds=INVITATION_MAX_AGE + 60)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)

    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.has_usable_password() is False


def test_a_forged_or_foreign_link_is_refused(client, admin_user):
    person = _create_on_people_page(client, admin_user)
    link = _link(OutboxEmail.objects.get(key=f"account-invitation-{person.pk}"))
    client.logout()
    other = _create_on_people_page(client, admin_user, email="bo@example.org")
    client.logout()
    token = link.rstrip("/").rsplit("/", 1)[1]
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    foreign = reverse("accounts:welcome", args=[urlsafe_base64_encode(force_bytes(other.pk)), token])

    assert client.get(foreign).status_code == 400
    assert client.get(reverse("accounts:welcome", args=["MQ", "1-abc"])).status_code == 400
    assert client.get(reverse("accounts:welcome", args=["!!", "nonsense"])).status_code == 400


def test_a_password_reset_token_does_not_open_the_welcome_page(client, admin_user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    person = _create_on_people_page(client, admin_user)
    client.logout()
    url = reverse("accounts:welcome", args=[urlsafe_base64_encode(force_bytes(person.pk)),
                                            default_token_generator.make_token(person)])

    assert client.get(url).status_code == 400


def test_an_account_added_on_the_admin_site_gets_the_welcome_email(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_user_add"), {
        "email": "cleo@example.org", "given_name": "Cléo", "family_name": "Martin", "language": "pt",
        "is_active": "on", "date_joined_0": "2026-11-29", "date_joined_1": "10:00:00",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0", "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="cleo@example.org")
    assert person.has_usable_password() is False
    email = OutboxEmail.objects.get(key=f"account-invitation-{person.pk}")
    assert email.to == ["cleo@example.org"] and "/people/welcome/" in email.body


def test_changing_an_account_on_the_admin_site_sends_no_welcome_email(client, admin_user):
    person = _create_on_people_page(client, admin_user)
    OutboxEmail.objects.all().delete()
    from django.contrib import admin
    from django.test import RequestFactory

    from pontis.accounts.admin import UserAdmin

    request = RequestFactory().post("/")
    request.user = admin_user
    UserAdmin(User, admin.site).save_model(request, person, form=None, change=True)

    assert OutboxEmail.objects.count() == 0


def test_experts_and_demo_accounts_with_a_password_get_no_welcome_email(admin_user):
    from pontis.accounts import services

    person = services.user_create(email="own@example.org", password=NEW_PASSWORD, by=admin_user)

    assert account_invitation_send(user=person, by=admin_user) is False
    assert not OutboxEmail.objects.filter(key=f"account-invitation-{person.pk}").exists()


def test_hostile_text_in_the_welcome_form_is_refused_or_stored_cleanly(client, admin_user):
    from tests.test_hostile_text import assert_escaped, assert_not_server_error, hostile, post_form

    person = _create_on_people_page(client, admin_user)
    link = _link(OutboxEmail.objects.get(key=f"account-invitation-{person.pk}"))
    client.logout()

    @hostile
    def run(value):
        response = post_form(client, link, {"new_password1": value, "new_password2": value + "x"})
        assert_not_server_error(response)
        if response.status_code == 200:
            assert_escaped(response.content.decode())
        person.refresh_from_db()
        assert person.has_usable_password() is False  # mismatched: nothing stored, the link still works

    run()
