"""People, roles and institutions: the accounts services and their refusals."""

import pytest

from pontis.accounts import services
from pontis.accounts.models import Membership, Role, RoleAssignment, User
from pontis.core.errors import Conflict, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from tests.factories import InstitutionFactory, UserFactory
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def test_user_create_stores_a_lowercase_email_and_records_it(admin_user):
    person = services.user_create(email="  Ana.Lopez@Example.ORG ", given_name="Ana", family_name="López", by=admin_user)

    assert person.email == "ana.lopez@example.org"
    assert person.has_usable_password() is False  # they choose one through "Forgot your password?"
    assert AuditEvent.objects.for_object(person).get().action == "create"


def test_user_create_refuses_a_taken_email_whatever_its_case():
    UserFactory(email="ana@example.org")

    with pytest.raises(Conflict) as refusal:
        services.user_create(email="ANA@example.org")

    assert refusal.value.field == "email"
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1


def test_user_create_refuses_an_empty_email():
    with pytest.raises(ValidationFailed) as refusal:
        services.user_create(email="  ")

    assert refusal.value.field == "email"
    assert User.objects.count() == 0


def test_an_administrator_grants_a_role(admin_user):
    person = UserFactory()

    assignment = services.role_grant(user=person, role=Role.EXPERT, by=admin_user)

    assert assignment.role == "expert"
    assert person.has_role(Role.EXPERT) is True
    event = AuditEvent.objects.for_object(person).get(note="role granted")
    assert event.actor == admin_user


def test_granting_a_role_twice_keeps_one_assignment(admin_user):
    person = UserFactory()

    services.role_grant(user=person, role=Role.OBSERVER, by=admin_user)
    services.role_grant(user=person, role=Role.OBSERVER, by=admin_user)

    assert RoleAssignment.objects.filter(user=person, role="observer").count() == 1
    assert AuditEvent.objects.for_object(person).filter(note="role granted").count() == 1


def test_one_person_can_hold_several_roles(admin_user):
    person = UserFactory()

    services.role_grant(user=person, role=Role.EXPERT, by=admin_user)
    services.role_grant(user=person, role=Role.COMMITTEE, by=admin_user)

    assert person.role_codes == {"expert", "committee"}
    assert person.needs_mfa is True


def test_a_focal_point_needs_an_institution(admin_user):
    person = UserFactory()

    with pytest.raises(ValidationFailed) as refusal:
        services.role_grant(user=person, role=Role.FOCAL_POINT, by=admin_user)

    assert refusal.value.field == "institution"
    assert RoleAssignment.objects.filter(user=person).count() == 0


def test_a_focal_point_is_tied_to_the_institution_and_becomes_a_member(admin_user):
    person = UserFactory()
    institution = InstitutionFactory()

    services.role_grant(user=person, role=Role.FOCAL_POINT, institution=institution, by=admin_user)

    assert person.focal_institution_ids == {institution.pk}
    assert Membership.objects.filter(user=person, institution=institution).count() == 1


def test_an_unknown_role_is_refused(admin_user):
    person = UserFactory()

    with pytest.raises(ValidationFailed):
        services.role_grant(user=person, role="emperor", by=admin_user)

    assert RoleAssignment.objects.filter(user=person).count() == 0


@pytest.mark.parametrize("role_fixture", ["officer", "committee_member", "focal_point", "expert_user", "observer"])
def test_only_an_administrator_grants_roles(role_fixture, request):
    someone = request.getfixturevalue(role_fixture)
    person = UserFactory()

    with pytest.raises(NotAllowed):
        services.role_grant(user=person, role=Role.ADMIN, by=someone)

    assert RoleAssignment.objects.filter(user=person).count() == 0
    person.refresh_from_db()
    assert person.is_staff is False


def test_an_administrator_revokes_a_role(admin_user):
    person = UserFactory()
    assignment = services.role_grant(user=person, role=Role.EXPERT, by=admin_user)

    services.role_revoke(assignment=assignment, by=admin_user)

    assert RoleAssignment.objects.filter(user=person).count() == 0
    assert person.has_role(Role.EXPERT) is False
    assert AuditEvent.objects.for_object(person).filter(note="role revoked").count() == 1


def test_an_officer_may_not_revoke_a_role(officer, admin_user):
    person = UserFactory()
    assignment = services.role_grant(user=person, role=Role.EXPERT, by=admin_user)

    with pytest.raises(NotAllowed):
        services.role_revoke(assignment=assignment, by=officer)

    assert RoleAssignment.objects.filter(pk=assignment.pk).count() == 1
    assert AuditEvent.objects.for_object(person).filter(note="role revoked").count() == 0


def test_an_administrator_grants_a_role_from_the_person_page(client, admin_user):
    person = UserFactory()
    client.force_login(admin_user)

    response = client.post(f"/people/{person.pk}/", {"role": "observer", "institution": ""})

    assert response.status_code == 302
    assert list(RoleAssignment.objects.filter(user=person).values_list("role", flat=True)) == ["observer"]


def test_a_focal_point_role_without_institution_from_the_page_shows_a_message(client, admin_user):
    person = UserFactory()
    client.force_login(admin_user)

    response = client.post(f"/people/{person.pk}/", {"role": "focal_point", "institution": ""}, follow=True)

    assert response.status_code == 200
    assert RoleAssignment.objects.filter(user=person).count() == 0
    assert b"A partner focal point must be tied to an institution." in response.content


@pytest.mark.parametrize("role_fixture", ["committee_member", "focal_point", "expert_user", "observer"])
def test_the_people_list_is_for_facility_staff_only(client, role_fixture, request):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get("/people/").status_code == 403


@pytest.mark.parametrize("role_fixture", ["admin_user", "officer"])
def test_facility_staff_see_the_people_list(client, role_fixture, request):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get("/people/").status_code == 200


def test_institution_create_needs_a_name(officer):
    from pontis.core.models import AuthorityType

    with pytest.raises(ValidationFailed):
        services.institution_create(by=officer, name={}, type=AuthorityType.objects.get(code="civil_society_organisation"))


def test_a_focal_point_may_not_create_an_institution(focal_point):
    from pontis.accounts.models import Institution
    from pontis.core.models import AuthorityType

    before = Institution.objects.count()
    with pytest.raises(NotAllowed):
        services.institution_create(by=focal_point, name={"en": "Mine"}, type=AuthorityType.objects.get(code="civil_society_organisation"))

    assert Institution.objects.count() == before


def test_the_institutions_list_answers_in_few_queries(client, officer):
    client.force_login(officer)
    InstitutionFactory.create_batch(3)
    small_count, small = count_queries(lambda: client.get("/people/institutions/"))
    InstitutionFactory.create_batch(40)
    large_count, large = count_queries(lambda: client.get("/people/institutions/"))

    assert small.status_code == 200
    assert large.status_code == 200
    assert_flat(small_count, large_count)
