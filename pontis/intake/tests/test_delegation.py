"""The EU Delegation: a role tied to a country; it sees that country's submitted requests, nothing else, and gives
its opinion when staff consult it at screening; staff and the committee read the opinion."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from pontis.accounts.models import RoleAssignment
from pontis.accounts.services import role_grant
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, Notification
from pontis.core.permissions import can, visible_to
from pontis.core.registry import tasks_for
from pontis.intake import services
from pontis.intake.models import DelegationConsultation, Request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def delegation_user(code):
    user = UserFactory()
    role_grant(user=user, role="delegation", country=Country.objects.get(code=code))
    user.forget_cached_roles()
    return user


@pytest.fixture
def cv_delegation(db):
    return delegation_user("CV")  # the requests of the intake fixtures concern Cabo Verde


@pytest.fixture
def pe_delegation(db):
    return delegation_user("PE")


# ---------------------------------------------------------------- the role


def test_a_delegation_role_needs_a_country():
    user = UserFactory()
    with pytest.raises(ValidationFailed):
        role_grant(user=user, role="delegation")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="delegation")
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_regional_delegation_holds_one_role_per_country():
    user = delegation_user("CV")
    role_grant(user=user, role="delegation", country=Country.objects.get(code="SN"))
    role_grant(user=user, role="delegation", country=Country.objects.get(code="SN"))  # idempotent
    user.forget_cached_roles()
    assert user.delegation_country_ids == set(Country.objects.filter(code__in=["CV", "SN"]).values_list("pk", flat=True))
    assert RoleAssignment.objects.filter(user=user).count() == 2


def test_the_role_is_granted_on_the_person_page_with_its_country(client, admin_user):
    person = UserFactory()
    client.force_login(admin_user)
    response = client.post(reverse("accounts:person", args=[person.pk]), {"role": "delegation"})
    assert response.status_code == 200
    assert "An EU Delegation must be tied to the country it covers." in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person).exists()
    peru = Country.objects.get(code="PE")
    client.post(reverse("accounts:person", args=[person.pk]), {"role": "delegation", "country": peru.pk})
    assert RoleAssignment.objects.get(user=person).country == peru


# ---------------------------------------------------------------- what it sees


def test_a_delegation_sees_its_countrys_submitted_requests_and_nothing_else(make_request, cv_delegation, pe_delegation):
    draft = make_request("draft")
    submitted = make_request("submitted")
    forwarded = make_request("forwarded")
    assert set(visible_to(cv_delegation, Request)) == {submitted, forwarded}
    assert draft not in visible_to(cv_delegation, Request)
    assert not visible_to(pe_delegation, Request).exists()


def test_request_pages_for_the_delegation(client, make_request, cv_delegation, pe_delegation):
    submitted = make_request("submitted")
    client.force_login(cv_delegation)
    page = client.get(reverse("intake:detail", args=[submitted.pk]))
    assert page.status_code == 200
    assert page.context["staff_view"] is False  # no eligibility, no internal notes
    assert not any(page.context["may"][verb] for verb in ("edit", "forward", "reject", "decide", "note", "ask_info"))
    listed = client.get(reverse("intake:list"))
    assert [row["request"].pk for row in listed.context["rows"]] == [submitted.pk]
    client.force_login(pe_delegation)
    assert client.get(reverse("intake:detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("intake:list")).context["rows"] == []


def test_the_delegation_does_not_download_the_endorsement_letter(make_request, cv_delegation):
    submitted = make_request("submitted")
    assert can(cv_delegation, "view", submitted)
    assert not can(cv_delegation, "download", submitted)


# ---------------------------------------------------------------- the consultation


def test_consultation_flow(client, make_request, officer, cv_delegation, pe_delegation):
    request = make_request("submitted")
    client.force_login(officer)
    response = client.post(reverse("intake:consult", args=[request.pk]), {"question": "Is this a priority?"})
    assert response.status_code == 302
    consultation = DelegationConsultation.objects.get(request=request)
    assert (consultation.country.code, consultation.requested_by, consultation.question) == ("CV", officer, "Is this a priority?")
    assert consultation.is_open
    assert AuditEvent.objects.filter(object_id=str(consultation.pk), action="create",
                                     content_type__model="delegationconsultation").count() == 1
    told = Notification.objects.get(recipient=cv_delegation)
    assert told.event == "intake.delegation_consulted" and told.url == reverse("intake:opinion", args=[consultation.pk])
    assert not Notification.objects.filter(recipient=pe_delegation).exists()

    # The Delegation's task, and its page.
    tasks = [t for group in tasks_for(cv_delegation) for t in group["tasks"]]
    assert [t.url for t in tasks] == [reverse("intake:opinion", args=[consultation.pk])]
    client.force_login(cv_delegation)
    page = client.get(reverse("intake:opinion", args=[consultation.pk]))
    assert page.status_code == 200 and "Is this a priority?" in page.content.decode()

    # An empty opinion is refused with the error summary; nothing changes.
    page = client.post(reverse("intake:opinion", args=[consultation.pk]), {"opinion": "  "})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert DelegationConsultation.objects.get(pk=consultation.pk).is_open

    response = client.post(reverse("intake:opinion", args=[consultation.pk]), {"opinion": "Fully supported."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.opinion, consultation.answered_by) == ("Fully supported.", cv_delegation)
    assert consultation.answered_at is not None
    assert [t for group in tasks_for(cv_delegation) for t in group["tasks"]] == []  # done: the task is gone
    assert Notification.objects.filter(recipient=officer, event="intake.delegation_opinion_given").count() == 1
    assert AuditEvent.objects.filter(object_id=str(consultation.pk), action="update",
                                     content_type__model="delegationconsultation").count() == 1

    # Once only: a second answer changes nothing.
    response = client.post(reverse("intake:opinion", args=[consultation.pk]), {"opinion": "Changed my mind."}, follow=True)
    assert "already been given" in response.content.decode()
    assert DelegationConsultation.objects.get(pk=consultation.pk).opinion == "Fully supported."
    with pytest.raises(IllegalTransition):
        services.delegation_opinion_give(consultation=consultation, by=cv_delegation, opinion="Again")

    # Staff see the opinion on the request's page.
    client.force_login(officer)
    page = client.get(reverse("intake:detail", args=[request.pk]))
    assert "Fully supported." in page.content.decode()


def test_the_committee_reads_the_opinion_when_deciding(client, make_request, officer, committee_member, cv_delegation):
    request = make_request("submitted")
    consultation = services.delegation_consult(request=request, by=officer)
    services.delegation_opinion_give(consultation=consultation, by=cv_delegation, opinion="The ministry is committed.")
    services.request_forward(request=request, by=officer)
    client.force_login(committee_member)
    page = client.get(reverse("intake:detail", args=[request.pk]))
    assert page.status_code == 200 and "The ministry is committed." in page.content.decode()


def test_one_open_consultation_per_request_and_country(make_request, officer, cv_delegation):
    request = make_request("submitted")
    services.delegation_consult(request=request, by=officer)
    with pytest.raises(IllegalTransition):
        services.delegation_consult(request=request, by=officer)
    assert DelegationConsultation.objects.filter(request=request).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationConsultation.objects.create(request=request, country=Country.objects.get(code="CV"), requested_by=officer)


def test_consulting_is_refused_cleanly(make_request, officer, focal_point, cv_delegation):
    submitted = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.delegation_consult(request=submitted, by=focal_point)
    with pytest.raises(NotAllowed):
        services.delegation_consult(request=submitted, by=cv_delegation)
    with pytest.raises(ValidationFailed):  # not one of the request's countries
        services.delegation_consult(request=submitted, by=officer, country=Country.objects.get(code="PE"))
    with pytest.raises(ValidationFailed):
        services.delegation_consult(request=submitted, by=officer, question="x" * 10001)
    with pytest.raises(NotAllowed):  # a draft is not screened
        services.delegation_consult(request=make_request("draft"), by=officer)
    assert not DelegationConsultation.objects.exists()


def test_no_delegation_account_for_the_country_is_said_clearly(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)
    response = client.post(reverse("intake:consult", args=[request.pk]), follow=True)
    assert "No EU Delegation account covers" in response.content.decode()
    assert not DelegationConsultation.objects.exists()


def test_another_delegation_cannot_see_or_answer(client, make_request, officer, cv_delegation, pe_delegation):
    request = make_request("submitted")
    consultation = services.delegation_consult(request=request, by=officer)
    client.force_login(pe_delegation)
    assert client.get(reverse("intake:opinion", args=[consultation.pk])).status_code == 404
    assert client.post(reverse("intake:opinion", args=[consultation.pk]), {"opinion": "Mine"}).status_code == 404
    with pytest.raises(NotAllowed):
        services.delegation_opinion_give(consultation=consultation, by=pe_delegation, opinion="Mine")
    client.force_login(officer)  # staff read, never answer
    assert client.post(reverse("intake:opinion", args=[consultation.pk]), {"opinion": "Mine"}).status_code == 403
    assert DelegationConsultation.objects.get(pk=consultation.pk).is_open

