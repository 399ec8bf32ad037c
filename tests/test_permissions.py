"""One permission layer: deny by default, fetch-and-authorise answers 404 for what a person may not see."""

import pytest
from django.http import Http404

from pontis.accounts.models import Institution
from pontis.core.permissions import UnknownPermission, can, ensure, get_visible_or_404, policy_for
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls_testonly")]


def test_a_view_without_an_access_declaration_is_refused_even_to_an_administrator(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/test-only/undeclared/")

    assert response.status_code == 403
    assert b"secret" not in response.content


def test_a_view_without_an_access_declaration_is_refused_to_visitors(client):
    response = client.get("/test-only/undeclared/")

    assert response.status_code == 403


def test_a_declared_public_view_is_open(client):
    response = client.get("/test-only/public/")

    assert response.status_code == 200
    assert response.content == b"open"


def test_a_signed_in_view_sends_visitors_to_sign_in(client):
    response = client.get("/test-only/signed-in/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/test-only/signed-in/"


def test_a_signed_in_view_opens_for_a_person(client, expert_user):
    client.force_login(expert_user)

    response = client.get("/test-only/signed-in/")

    assert response.status_code == 200


def test_get_visible_or_404_answers_the_object_the_person_may_see(focal_point, institution):
    assert get_visible_or_404(focal_point, Institution, pk=institution.pk) == institution


def test_get_visible_or_404_answers_404_for_an_object_the_person_may_not_see(focal_point):
    other = InstitutionFactory()

    with pytest.raises(Http404):
        get_visible_or_404(focal_point, Institution, pk=other.pk)


def test_get_visible_or_404_answers_404_for_a_missing_object_and_bad_input(officer):
    with pytest.raises(Http404):
        get_visible_or_404(officer, Institution, pk=987654)
    with pytest.raises(Http404):
        get_visible_or_404(officer, Institution, pk="not-a-number")


def test_get_visible_or_404_keeps_the_policy_on_a_given_queryset(focal_point):
    other = InstitutionFactory()

    with pytest.raises(Http404):
        get_visible_or_404(focal_point, Institution.objects.select_related("country"), pk=other.pk)


def test_an_invisible_institution_page_answers_404_not_403(client, focal_point):
    other = InstitutionFactory()
    client.force_login(focal_point)

    response = client.get(f"/people/institutions/{other.pk}/")

    assert response.status_code == 404


def test_an_undeclared_verb_is_a_programming_error_not_a_no(officer, institution):
    with pytest.raises(UnknownPermission, match=r"InstitutionPolicy defines no permission 'demolish'"):
        policy_for(Institution).can(officer, "demolish", institution)
    with pytest.raises(UnknownPermission, match="demolish"):
        can(officer, "demolish", institution)
    with pytest.raises(UnknownPermission):
        ensure(officer, "demolish", Institution)
    assert can(officer, "change", institution) is True


def test_an_undeclared_verb_raises_even_for_people_who_may_do_nothing(officer, institution):
    officer.is_active = False

    with pytest.raises(LookupError):
        can(officer, "demolish", institution)
    with pytest.raises(LookupError):
        can(None, "demolish", institution)


def test_an_inactive_person_may_do_nothing(officer, institution):
    officer.is_active = False

    assert can(officer, "change", institution) is False


def test_a_model_without_a_policy_is_an_error_not_a_yes():
    from django.contrib.sessions.models import Session

    with pytest.raises(LookupError):
        policy_for(Session)


def test_a_view_declared_by_its_policy_lets_in_whom_the_policy_allows(rf, officer, observer):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from pontis.core.permissions import permission_required

    @permission_required(Institution, "create")
    def page(request):
        return "page"

    request = rf.get("/institutions/new/")
    request.user = officer
    assert page(request) == "page"
    assert page.pontis_access == "policy:Institution.create"
    request.user = observer
    with pytest.raises(PermissionDenied):
        page(request)
    request.user = AnonymousUser()
    assert page(request).status_code == 302


def test_a_view_declared_with_an_unknown_verb_fails_loudly(rf, officer):
    from pontis.core.permissions import permission_required

    @permission_required(Institution, "demolish")
    def page(request):
        return "page"

    request = rf.get("/")
    request.user = officer
    with pytest.raises(UnknownPermission):
        page(request)
