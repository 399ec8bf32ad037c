"""Action news: followers and the owner hear of moves; following an Action from its page."""

import pytest
from django.urls import reverse

from pontis.actions import services
from pontis.core.following import follow, is_following
from pontis.core.models import Notification
from tests.factories import user_with_role

from .factories import make_action

pytestmark = pytest.mark.django_db


def test_cancelling_tells_the_partner_owner_and_followers_but_not_the_one_who_cancelled(officer, institution):
    partner = user_with_role("focal_point", institution=institution)
    owner, follower, bystander = (user_with_role("officer") for _n in range(3))
    action = make_action(officer, focal_point=partner, institution=institution)
    action.owner = owner
    action.save(update_fields=["owner"])
    follow(follower, action, by=follower)
    follow(officer, action, by=officer)
    services.action_cancel(action=action, by=officer, reason="No longer needed")
    told = set(Notification.objects.filter(event="actions.action_cancelled").values_list("recipient_id", flat=True))
    assert told == {partner.pk, owner.pk, follower.pk}
    assert bystander.pk not in told


def test_the_partner_agreeing_the_fiche_reaches_the_owner_only(officer, institution):
    partner = user_with_role("focal_point", institution=institution)
    owner = user_with_role("officer")
    action = make_action(officer, focal_point=partner, institution=institution)
    action.owner = owner
    action.save(update_fields=["owner"])
    services.fiche_partner_agree(version=action.fiche_versions.get(), by=partner)
    told = set(Notification.objects.filter(event="actions.fiche_partner_agreed").values_list("recipient_id", flat=True))
    assert told == {owner.pk}


def test_follow_button_on_the_action_page(client, officer, committee_member):
    action = make_action(officer)
    client.force_login(committee_member)
    url = reverse("actions:detail", args=[action.code])
    assert reverse("actions:follow", args=[action.code]) in client.get(url).content.decode()
    assert client.post(reverse("actions:follow", args=[action.code])).status_code == 302
    assert is_following(committee_member, action)
    assert "Stop following" in client.get(url).content.decode()
    client.post(reverse("actions:follow", args=[action.code]), {"following": "0"})
    assert not is_following(committee_member, action)


def test_a_focal_point_cannot_follow_from_the_page(client, officer, institution):
    partner = user_with_role("focal_point", institution=institution)
    action = make_action(officer, focal_point=partner, institution=institution)
    client.force_login(partner)
    page = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert reverse("actions:follow", args=[action.code]) not in page
    assert client.post(reverse("actions:follow", args=[action.code])).status_code == 403
    assert not is_following(partner, action)
