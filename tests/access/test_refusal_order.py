"""Defects the access matrix found, each pinned by a focused test."""

import pytest

from pontis.actions.tests.factories import agreed_action
from tests.factories import InstitutionFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert_deployed"])
def test_agreeing_a_fiche_that_is_no_draft_refuses_who_may_not_agree_before_telling_its_state(client, role):
    # Found by the matrix: POST /api/v1/actions/{code}/fiche/agree answered 409 "fiche_not_draft" to anyone who
    # could see the Action, also to people who may never agree a fiche (the committee, the partner, an expert).
    officer, institution = user_with_role("officer"), InstitutionFactory()
    focal_point = user_with_role("focal_point", institution=institution)
    action = agreed_action(officer, focal_point, institution)
    person = focal_point if role == "focal_point" else user_with_role("committee" if role == "committee" else "expert")
    if role == "expert_deployed":
        from pontis.experts.services import deployment_create
        from pontis.experts.tests.factories import make_profile

        deployment_create(activity=action.activities.first(), profile=make_profile(user=person), by=officer)
    client.force_login(person)

    assert client.get(f"/api/v1/actions/{action.code}").status_code == 200  # they may see it
    response = client.post(f"/api/v1/actions/{action.code}/fiche/agree", {}, content_type="application/json")

    assert response.status_code == 403


def test_staff_still_learn_that_the_fiche_is_no_draft(client):
    officer, institution = user_with_role("officer"), InstitutionFactory()
    action = agreed_action(officer, user_with_role("focal_point", institution=institution), institution)
    client.force_login(officer)

    response = client.post(f"/api/v1/actions/{action.code}/fiche/agree", {}, content_type="application/json")

    assert response.status_code == 409
