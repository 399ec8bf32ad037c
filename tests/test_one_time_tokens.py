"""The one-time form token (pontis.core.once): a create form or API call sent twice makes one object."""

import pytest
from django.urls import reverse

from pontis.accounts import services as account_services
from pontis.accounts.models import Institution
from pontis.core.errors import ValidationFailed
from pontis.core.models import AuthorityType, CreationClaim
from pontis.core.once import creation_claim
from pontis.experts.models import Unavailability
from pontis.experts.tests.factories import make_profile

pytestmark = pytest.mark.django_db


def _institution_form(key):
    kind = AuthorityType.objects.get(code="national_government")
    return {"name_en": "Ministry of Labour", "acronym": "MOL", "type": kind.pk, "country": "", "website": "",
            "idempotency_key": key}


def test_the_new_institution_form_carries_a_fresh_token_each_time(client, officer):
    client.force_login(officer)

    first = client.get(reverse("accounts:institution_create")).context["form"]
    second = client.get(reverse("accounts:institution_create")).context["form"]

    assert first.initial["idempotency_key"] != second.initial["idempotency_key"]
    assert b'name="idempotency_key"' in client.get(reverse("accounts:institution_create")).content


def test_a_double_submitted_new_institution_form_creates_one_institution(client, officer):
    client.force_login(officer)
    before = Institution.objects.count()

    first = client.post(reverse("accounts:institution_create"), _institution_form("k-inst-1"))
    second = client.post(reverse("accounts:institution_create"), _institution_form("k-inst-1"))

    assert Institution.objects.count() == before + 1
    created = Institution.objects.latest("pk")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("accounts:institution", args=[created.pk])


def test_two_new_institution_forms_create_two_institutions(client, officer):
    client.force_login(officer)
    before = Institution.objects.count()

    client.post(reverse("accounts:institution_create"), _institution_form("k-a"))
    client.post(reverse("accounts:institution_create"), _institution_form("k-b"))

    assert Institution.objects.count() == before + 2


def test_a_double_submitted_unavailability_period_is_declared_once(client, expert_user):
    profile = make_profile(user=expert_user)
    client.force_login(expert_user)
    assert b'name="idempotency_key"' in client.get(reverse("experts:me")).content
    data = {"start_date": "2030-05-01", "end_date": "2030-05-09", "note": "Leave", "idempotency_key": "k-away"}

    first = client.post(reverse("experts:unavailability_add"), data)
    second = client.post(reverse("experts:unavailability_add"), data)

    assert Unavailability.objects.filter(profile=profile).count() == 1
    assert first["Location"] == second["Location"] == reverse("experts:me")


def test_a_failed_creation_leaves_the_key_free_for_the_corrected_submission(officer):
    kind = AuthorityType.objects.get(code="national_government")

    with pytest.raises(ValidationFailed):
        account_services.institution_create(by=officer, name={}, type=kind, idempotency_key="k-retry")
    assert not CreationClaim.objects.filter(key="k-retry").exists()

    made = account_services.institution_create(by=officer, name={"en": "Ministry"}, type=kind, idempotency_key="k-retry")
    again = account_services.institution_create(by=officer, name={"en": "Ministry"}, type=kind, idempotency_key="k-retry")
    assert made.pk == again.pk


def test_one_persons_key_never_answers_another_persons_object(officer, admin_user):
    kind = AuthorityType.objects.get(code="national_government")

    mine = account_services.institution_create(by=officer, name={"en": "Mine"}, type=kind, idempotency_key="same")
    theirs = account_services.institution_create(by=admin_user, name={"en": "Theirs"}, type=kind, idempotency_key="same")

    assert mine.pk != theirs.pk


def test_a_deleted_object_is_created_again_by_its_key(officer):
    kind = AuthorityType.objects.get(code="national_government")
    made = account_services.institution_create(by=officer, name={"en": "Gone"}, type=kind, idempotency_key="k-gone")
    made.delete()

    again = account_services.institution_create(by=officer, name={"en": "Gone"}, type=kind, idempotency_key="k-gone")

    assert again.pk != made.pk
    assert Institution.objects.filter(pk=again.pk).exists()


def test_without_a_key_every_call_creates(officer):
    assert creation_claim(scope="x", key="", by=officer).row is None
    assert creation_claim(scope="x", key=None, by=officer).row is None
    assert creation_claim(scope="x", key="k", by=None).row is None


def test_a_double_submitted_invitation_invites_once_and_shows_no_error(client, officer):
    from pontis.experts.models import Invitation
    from pontis.experts.tests.factories import make_activity

    activity, profile = make_activity(), make_profile()
    client.force_login(officer)
    page = client.get(reverse("experts:activity_experts", args=[activity.pk])).content.decode()
    assert 'name="idempotency_key"' in page.split(reverse("experts:invite", args=[activity.pk]))[1].split("</form>")[0]
    data = {"profile": profile.pk, "role": "expert", "idempotency_key": "k-invite"}

    client.post(reverse("experts:invite", args=[activity.pk]), data)
    second = client.post(reverse("experts:invite", args=[activity.pk]), data, follow=True)

    assert Invitation.objects.filter(activity=activity, profile=profile).count() == 1
    assert b"already been invited" not in second.content


def test_a_double_submitted_new_person_form_creates_one_account_and_shows_it(client, admin_user):
    from pontis.accounts.models import User

    client.force_login(admin_user)
    data = {"email": "new.person@example.org", "given_name": "Ana", "family_name": "Lima", "language": "pt",
            "idempotency_key": "k-person"}

    first = client.post(reverse("accounts:person_create"), data)
    second = client.post(reverse("accounts:person_create"), data)

    person = User.objects.get(email="new.person@example.org")
    assert first["Location"] == second["Location"] == reverse("accounts:person", args=[person.pk])


def test_a_new_person_form_with_a_taken_address_still_says_so(client, admin_user):
    client.force_login(admin_user)
    data = {"email": admin_user.email.upper(), "given_name": "Ana", "family_name": "Lima", "language": "pt",
            "idempotency_key": "k-taken"}

    response = client.post(reverse("accounts:person_create"), data)

    assert response.status_code == 200
    assert "Someone already uses this e-mail address." in response.content.decode()
