"""Reject and withdraw ask for confirmation; a request is submitted from "check your answers"."""

import pytest
from django.urls import reverse

from pontis.core.models import AuditEvent
from pontis.intake.models import Request
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _status(request):
    return Request.objects.get(pk=request.pk).status


def _is_confirmation(response, action_url):
    page = response.content.decode()
    return (response.status_code == 200 and 'name="confirmed" value="1"' in page and "button--danger" in page
            and f'action="{action_url}"' in page)


# ---------------------------------------------------------------- reject


def test_reject_without_confirmation_changes_nothing_and_shows_what_will_happen(client, make_request, officer):
    request = make_request("submitted")
    audit_rows = AuditEvent.objects.count()
    client.force_login(officer)
    url = reverse("intake:reject", args=[request.pk])
    response = client.post(url, {"reason": "Outside the facility's scope"})
    assert _is_confirmation(response, url)
    page = response.content.decode()
    assert "Reject this request?" in page
    assert "Outside the facility&#x27;s scope" in page  # the reason is shown back
    assert 'name="reason" value="Outside the facility&#x27;s scope"' in page  # and carried to the real POST
    assert reverse("intake:detail", args=[request.pk]) in page  # "Cancel" leads back
    assert _status(request) == "submitted"
    assert AuditEvent.objects.count() == audit_rows


def test_reject_with_confirmation_rejects(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)
    response = client.post(reverse("intake:reject", args=[request.pk]),
                           {"reason": "Outside the facility's scope", "confirmed": "1"})
    assert response.status_code == 302
    fresh = Request.objects.get(pk=request.pk)
    assert fresh.status == "rejected" and fresh.closed_reason == "Outside the facility's scope"


def test_reject_without_a_reason_is_refused_before_any_confirmation(client, make_request, officer):
    request = make_request("submitted")
    client.force_login(officer)
    response = client.post(reverse("intake:reject", args=[request.pk]), {"reason": "  "}, follow=True)
    assert "Give the reason for the rejection" in response.content.decode()
    assert _status(request) == "submitted"


def test_a_person_who_may_not_reject_gets_no_confirmation_page(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    response = client.post(reverse("intake:reject", args=[request.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert _status(request) == "submitted"


# ---------------------------------------------------------------- withdraw


def test_withdraw_without_confirmation_changes_nothing(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    url = reverse("intake:withdraw", args=[request.pk])
    response = client.post(url, {"reason": "Handled nationally"})
    assert _is_confirmation(response, url)
    assert "Withdraw this request?" in response.content.decode()
    assert _status(request) == "submitted"


def test_withdraw_with_confirmation_withdraws(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    client.post(reverse("intake:withdraw", args=[request.pk]), {"reason": "Handled nationally", "confirmed": "1"})
    fresh = Request.objects.get(pk=request.pk)
    assert fresh.status == "withdrawn" and fresh.closed_reason == "Handled nationally"


def test_confirmed_must_be_exactly_one(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    response = client.post(reverse("intake:withdraw", args=[request.pk]), {"confirmed": "yes"})
    assert response.status_code == 200
    assert _status(request) == "submitted"


# ---------------------------------------------------------------- check your answers


def test_continue_from_the_form_saves_and_leads_to_check_your_answers(client, make_request, focal_point):
    draft = make_request("draft")
    client.force_login(focal_point)
    response = client.get(reverse("intake:edit", args=[draft.pk]))
    assert 'value="review"' in response.content.decode()
    response = client.get(reverse("intake:check", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check your answers before submitting the request" in page
    # every answer is listed with a "Change" link to its field on the form
    edit = reverse("intake:edit", args=[draft.pk])
    for value, anchor in [("Strengthening labour migration management", "#id_title_"),
                          ("No framework for circular migration.", "#id_problem"),
                          ("A draft bilateral labour agreement.", "#id_objectives"),
                          ("Staff of the labour directorate", "#id_target_groups"),
                          ("Second half of the year", "#id_preferred_timing"),
                          ("ILO", "#id_other_actors"),
                          ("Maria Silva, Director-General", "#id_endorsement_letter")]:
        assert value in page
        assert f'href="{edit}{anchor}' in page
    assert f'href="{edit}#topics-field"' in page
    assert page.count(">Change<") == 12
    # the page submits nothing by itself; its button posts to the submit route
    assert f'action="{reverse("intake:submit", args=[draft.pk])}"' in page
    assert _status(draft) == "draft"


def test_submitting_from_check_your_answers(client, make_request, focal_point):
    draft = make_request("draft")
    client.force_login(focal_point)
    response = client.post(reverse("intake:submit", args=[draft.pk]))
    assert response["Location"] == reverse("intake:detail", args=[draft.pk])
    assert _status(draft) == "submitted"


def test_the_form_leads_to_check_your_answers_and_submits_nothing(client, make_request, focal_point, institution):
    from pontis.intake.tests.test_views import form_data

    client.force_login(focal_point)
    response = client.post(reverse("intake:create"), form_data(institution, intent="review"))
    request = Request.objects.get()
    assert response["Location"] == reverse("intake:check", args=[request.pk])
    assert request.status == "draft"


def test_check_your_answers_with_missing_answers_goes_back_to_the_form(client, make_request, focal_point):
    draft = make_request("draft", problem="", endorsement_official_name="")
    client.force_login(focal_point)
    response = client.get(reverse("intake:check", args=[draft.pk]))
    assert response["Location"] == reverse("intake:edit", args=[draft.pk])


def test_check_your_answers_of_a_submitted_request_leads_to_its_page(client, make_request, focal_point):
    request = make_request("submitted")
    client.force_login(focal_point)
    response = client.get(reverse("intake:check", args=[request.pk]))
    assert response["Location"] == reverse("intake:detail", args=[request.pk])


def test_check_your_answers_of_another_institution_is_not_found(client, make_request):
    draft = make_request("draft")
    client.force_login(user_with_role("focal_point"))
    assert client.get(reverse("intake:check", args=[draft.pk])).status_code in (403, 404)


def test_the_draft_page_offers_check_and_submit(client, make_request, focal_point):
    draft = make_request("draft")
    client.force_login(focal_point)
    page = client.get(reverse("intake:detail", args=[draft.pk])).content.decode()
    assert f'href="{reverse("intake:check", args=[draft.pk])}"' in page
