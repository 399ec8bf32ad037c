"""Partners and focal points during the Action (audited, validated, page and API), and the EU Delegation's view
of the Actions in its country (read only; told when one starts)."""

import pytest
from django.urls import reverse

from pontis.accounts.services import role_grant
from pontis.actions import services
from pontis.actions.models import Action, ActionPartner
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, Notification
from pontis.core.permissions import can, visible_to
from pontis.intake.tests.conftest import make_request  # noqa: F401  (fixture)
from tests.factories import InstitutionFactory, UserFactory, user_with_role

from .factories import agreed_action, fiche_content, make_action

pytestmark = pytest.mark.django_db


def delegation_user(code):
    user = UserFactory()
    role_grant(user=user, role="delegation", country=Country.objects.get(code=code))
    user.forget_cached_roles()
    return user


def audit_rows(obj, action):
    return AuditEvent.objects.filter(object_id=str(obj.pk), action=action,
                                     content_type__model=obj._meta.model_name).count()


@pytest.fixture
def action(officer, focal_point, institution):
    return make_action(officer, focal_point=focal_point, institution=institution)


@pytest.fixture
def second(db):
    """A second institution (Cabo Verde) with two focal points."""
    institution = InstitutionFactory()
    return institution, user_with_role("focal_point", institution=institution), user_with_role("focal_point", institution=institution)


# ---------------------------------------------------------------- services


def test_add_a_partner_with_its_focal_points(action, officer, second):
    institution, operational, strategic = second
    partner = services.partner_add(action=action, by=officer, institution=institution,
                                   operational_focal_point=operational, strategic_focal_point=strategic)
    assert (partner.operational_focal_point, partner.strategic_focal_point) == (operational, strategic)
    assert audit_rows(partner, "create") == 1
    assert audit_rows(action, "update") == 1  # the Action's own history says which partners it has
    assert {n.recipient for n in Notification.objects.filter(event="actions.focal_point_named")} == {operational, strategic}
    assert can(operational, "view", action)  # the new partner's focal points see the Action


def test_no_partner_twice_and_focal_points_must_belong(action, officer, institution, second):
    other_institution, outsider, _ = second
    with pytest.raises(ValidationFailed) as refused:
        services.partner_add(action=action, by=officer, institution=institution)
    assert "already a partner" in str(refused.value.message)
    with pytest.raises(ValidationFailed) as refused:
        services.partner_add(action=action, by=officer, institution=InstitutionFactory(), operational_focal_point=outsider)
    assert refused.value.field == "operational_focal_point"
    assert ActionPartner.objects.filter(action=action).count() == 1
    partner = action.partners.get()
    with pytest.raises(ValidationFailed):
        services.partner_change(partner=partner, by=officer, strategic_focal_point=outsider)
    assert ActionPartner.objects.get(pk=partner.pk).strategic_focal_point is None


def test_change_and_remove_are_audited(action, officer, institution, focal_point):
    colleague = user_with_role("focal_point", institution=institution)
    partner = action.partners.get()
    services.partner_change(partner=partner, by=officer, operational_focal_point=focal_point,
                            strategic_focal_point=colleague)
    assert ActionPartner.objects.get(pk=partner.pk).strategic_focal_point == colleague
    assert audit_rows(partner, "update") == 1
    # Unchanged values write nothing.
    services.partner_change(partner=partner, by=officer, operational_focal_point=focal_point,
                            strategic_focal_point=colleague)
    assert audit_rows(partner, "update") == 1
    services.partner_remove(partner=partner, by=officer)
    assert not ActionPartner.objects.filter(pk=partner.pk).exists()
    assert audit_rows(partner, "delete") == 1
    assert not can(focal_point, "view", Action.objects.get(pk=action.pk))


def test_only_staff_and_only_while_the_action_runs(action, officer, focal_point, second):
    institution, *_ = second
    with pytest.raises(NotAllowed):
        services.partner_add(action=action, by=focal_point, institution=institution)
    services.action_cancel(action=action, by=officer, reason="Elections")
    with pytest.raises(IllegalTransition):
        services.partner_add(action=Action.objects.get(pk=action.pk), by=officer, institution=institution)
    with pytest.raises(IllegalTransition):
        services.partner_remove(partner=action.partners.get(), by=officer)
    assert ActionPartner.objects.filter(action=action).count() == 1


def test_a_double_submission_adds_one_partner(action, officer, second):
    institution, *_ = second
    first = services.partner_add(action=action, by=officer, institution=institution, idempotency_key="k1")
    again = services.partner_add(action=action, by=officer, institution=institution, idempotency_key="k1")
    assert first.pk == again.pk and ActionPartner.objects.filter(action=action).count() == 2


# ---------------------------------------------------------------- pages


def test_partner_section_and_forms(client, action, officer, focal_point, second):
    institution, operational, _ = second
    client.force_login(officer)
    page = client.get(reverse("actions:detail", args=[action.code]))
    assert page.context["may_manage_partners"] and len(page.context["partner_forms"]) == 1
    response = client.post(reverse("actions:partner_add", args=[action.code]),
                           {"institution": institution.pk, "operational_focal_point": operational.pk,
                            "idempotency_key": "abc"})
    assert response.status_code == 302
    assert action.partners.filter(institution=institution, operational_focal_point=operational).exists()
    # A refused change shows the form again with its error summary, and writes nothing.
    partner = action.partners.get(institution=institution)
    page = client.post(reverse("actions:partner_change", args=[action.code, partner.pk]),
                       {"strategic_focal_point": focal_point.pk})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert ActionPartner.objects.get(pk=partner.pk).strategic_focal_point is None


def test_removing_a_partner_asks_first(client, action, officer):
    partner = action.partners.get()
    client.force_login(officer)
    url = reverse("actions:partner_remove", args=[action.code, partner.pk])
    page = client.post(url)
    assert page.status_code == 200 and "What will happen" in page.content.decode()
    assert ActionPartner.objects.filter(pk=partner.pk).exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not ActionPartner.objects.filter(pk=partner.pk).exists()


def test_partner_pages_refuse_others(client, action, focal_point):
    partner = action.partners.get()
    client.force_login(focal_point)
    assert client.post(reverse("actions:partner_remove", args=[action.code, partner.pk]), {"confirmed": "1"}).status_code == 403
    assert ActionPartner.objects.filter(pk=partner.pk).exists()


# ---------------------------------------------------------------- API


def test_partners_over_the_api(api_client, action, officer, focal_point, second):
    institution, operational, strategic = second
    api = api_client(officer)
    base = f"/api/v1/actions/{action.code}/partners"
    response = api.post(base, {"institution_id": institution.pk, "operational_focal_point": operational.email},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    rows = {p["institution_id"]: p for p in response.json()["partners"]}
    assert rows[institution.pk]["operational_focal_point"] == operational.email
    response = api.patch(f"{base}/{institution.pk}", {"strategic_focal_point": strategic.email},
                         content_type="application/json")
    assert response.status_code == 200
    partner = action.partners.get(institution=institution)
    assert (partner.operational_focal_point, partner.strategic_focal_point) == (operational, strategic)
    assert api.patch(f"{base}/{institution.pk}", {"strategic_focal_point": focal_point.email},
                     content_type="application/json").status_code == 422
    assert api.post(base, {"institution_id": institution.pk}, content_type="application/json").status_code == 422
    assert api.delete(f"{base}/{institution.pk}").status_code == 200
    assert not action.partners.filter(institution=institution).exists()
    assert api_client(focal_point).post(base, {"institution_id": institution.pk},
                                        content_type="application/json").status_code == 403
    assert not action.partners.filter(institution=institution).exists()


# ---------------------------------------------------------------- the EU Delegation


def test_a_delegation_sees_the_actions_in_its_country_only(client, officer, focal_point, institution):
    cabo_verde = make_action(officer, focal_point=focal_point, institution=institution, countries=("CV",))
    senegal = make_action(officer, countries=("SN",))
    cv, pe = delegation_user("CV"), delegation_user("PE")
    assert list(visible_to(cv, Action)) == [cabo_verde]
    assert not visible_to(pe, Action).exists()
    assert not can(cv, "change", cabo_verde) and not can(cv, "manage_partners", cabo_verde)
    client.force_login(cv)
    assert client.get(reverse("actions:detail", args=[cabo_verde.code])).status_code == 200
    assert client.get(reverse("actions:detail", args=[senegal.code])).status_code == 404
    client.force_login(pe)
    assert client.get(reverse("actions:detail", args=[cabo_verde.code])).status_code == 404


def test_the_delegation_is_told_when_an_action_in_its_country_starts(officer, focal_point, institution):
    cv, pe = delegation_user("CV"), delegation_user("PE")
    action = agreed_action(officer, focal_point, institution)
    assert action.status == Action.Status.ONGOING
    note = Notification.objects.get(recipient=cv, event="actions.action_started_for_delegation")
    assert note.url == reverse("actions:detail", args=[action.code])
    assert not Notification.objects.filter(recipient=pe).exists()
    # A redesign agreed later does not start it again.
    services.fiche_redesign(action=action, by=officer, reason="New minister")
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content())
    services.fiche_partner_agree(version=draft, by=focal_point)
    services.fiche_agree(version=draft, by=officer)
    assert Notification.objects.filter(recipient=cv, event="actions.action_started_for_delegation").count() == 1


def test_the_delegation_is_told_when_a_request_in_its_country_is_approved(make_request, committee_member):  # noqa: F811
    cv, pe = delegation_user("CV"), delegation_user("PE")
    request = make_request("forwarded")  # a request concerning Cabo Verde
    services.request_approve(request=request, by=committee_member, reason="Good fit")
    note = Notification.objects.get(recipient=cv, event="intake.request_approved_for_delegation")
    assert note.url == reverse("intake:detail", args=[request.pk])
    assert not Notification.objects.filter(recipient=pe).exists()
