"""The steering committee reads the fiche while it is drafted and comments on it; it never edits it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import FicheComment
from pontis.actions.tests.factories import agreed_action, fiche_content, make_action
from pontis.core.errors import IllegalTransition, NotAllowed
from pontis.core.models import AuditEvent, Notification
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_committee_member_comments_on_the_draft_and_the_owner_is_told(client, officer, committee_member, focal_point, institution):
    # Given a draft fiche of an Action owned by an officer
    action = make_action(officer, focal_point=focal_point, institution=institution)
    action.owner = officer
    action.save()
    other_officer = user_with_role("officer")
    client.force_login(committee_member)
    url = reverse("actions:fiche", args=[action.code])

    # When a committee member reads it, then comments from the page
    page = client.get(url).content.decode()
    response = client.post(url, {"op": "comment", "body": "Is the budget realistic?", "idempotency_key": "k1"})

    # Then the comment is stored with an audit row, and the owner (not every officer) is told
    assert 'name="op" value="comment"' in page
    assert 'name="op" value="save"' not in page  # the committee reads the fiche; it does not edit it
    assert response.status_code == 302
    comment = FicheComment.objects.get()
    assert (comment.author, comment.body) == (committee_member, "Is the budget realistic?")
    assert AuditEvent.objects.for_object(comment).filter(action=AuditEvent.Action.CREATE).count() == 1
    assert Notification.objects.filter(recipient=officer, dedupe_key__startswith="fiche-comment").count() == 1
    assert not Notification.objects.filter(recipient=other_officer, dedupe_key__startswith="fiche-comment").exists()
    assert not Notification.objects.filter(recipient=focal_point, dedupe_key__startswith="fiche-comment").exists()


def test_staff_answers_reach_the_committee_members_who_commented(officer, committee_member, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_comment_add(version=draft, by=committee_member, body="A question.")

    services.fiche_comment_add(version=draft, by=officer, body="An answer.")

    assert Notification.objects.filter(recipient=committee_member, dedupe_key__startswith="fiche-comment").count() == 1
    assert Notification.objects.filter(recipient=focal_point, dedupe_key__startswith="fiche-comment").count() == 1


def test_the_committee_does_not_comment_once_the_fiche_is_agreed(client, officer, committee_member, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    version = action.fiche_versions.get()
    client.force_login(committee_member)

    with pytest.raises(IllegalTransition):
        services.fiche_comment_add(version=version, by=committee_member, body="Too late.")
    page = client.get(reverse("actions:fiche", args=[action.code])).content.decode()

    assert 'name="op" value="comment"' not in page
    assert not FicheComment.objects.exists()


def test_the_committee_cannot_edit_the_draft(client, officer, committee_member, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content(n_activities=1))
    draft.refresh_from_db()
    before = dict(draft.content)
    client.force_login(committee_member)

    client.post(reverse("actions:fiche", args=[action.code]), {"op": "save", "context": "Rewritten", "row_count": "0"})

    draft.refresh_from_db()
    assert draft.content == before
    with pytest.raises(NotAllowed):
        services.fiche_save(version=draft, by=committee_member, content={"context": "x"})


@pytest.mark.parametrize("role", ["observer", "expert"])
def test_others_may_not_comment(officer, focal_point, institution, role):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)

    with pytest.raises(NotAllowed):
        services.fiche_comment_add(version=draft, by=user_with_role(role), body="Hello")

    assert not FicheComment.objects.exists()
