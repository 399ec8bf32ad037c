"""The request page after the committee's decision: no empty decision card, the news said once."""

import pytest
from django.urls import reverse

from pontis.intake.models import Request
from pontis.intake.tests.conftest import make_request  # noqa: F401  (fixture)


@pytest.mark.django_db
def test_after_approval_the_page_shows_the_action_once_and_no_empty_card(client, make_request, committee_member):  # noqa: F811
    request = make_request("forwarded")
    client.force_login(committee_member)
    before = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert 'id="decide-title">Committee decision<' in before  # the card holds the approval and deferral forms

    response = client.post(reverse("actions:request_approve", args=[request.pk]), {"reason": "Fits."}, follow=True)
    html = response.content.decode()
    action = Request.objects.get(pk=request.pk).action

    assert 'id="decide-title"' not in html  # nothing left to decide: no card with a heading and nothing under it
    assert html.count("The request is approved and its Action is created.") == 1
    assert "is created" not in html.replace("The request is approved and its Action is created.", "")
    assert html.count(f'href="{reverse("actions:detail", args=[action.code])}"') == 1
    assert "Its Action:" in html
    assert "No past or ongoing Action in these countries or thematic areas." in html  # not its own Action

    again = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert 'id="decide-title"' not in again and "Its Action:" in again


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["deferred", "rejected"])
def test_a_decided_request_shows_the_committee_no_empty_card(client, make_request, committee_member, status):  # noqa: F811
    request = make_request(status)
    client.force_login(committee_member)
    html = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert 'id="decide-title"' not in html
