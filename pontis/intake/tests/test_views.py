"""Page tests: one per role that may and may not see each page; forms; query budgets."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.core.models import Country, ThematicArea
from pontis.intake.models import Request
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_list_per_role(client, make_request, focal_point, officer, committee_member, observer, expert_user):
    draft = make_request("draft")
    forwarded = make_request("forwarded")
    submitted = make_request("submitted")
    seen = {}
    for name, user in [("focal", focal_point), ("officer", officer), ("committee", committee_member)]:
        response = get(client, user, reverse("intake:list"))
        assert response.status_code == 200
        seen[name] = {row["request"].pk for row in response.context["rows"]}
    assert seen["focal"] == {draft.pk, forwarded.pk, submitted.pk}
    assert seen["officer"] == {forwarded.pk, submitted.pk}
    assert seen["committee"] == {forwarded.pk}
    for user in (observer, expert_user):
        assert get(client, user, reverse("intake:list")).status_code == 403


def test_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("intake:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_detail_per_role(client, make_request, focal_point, officer, committee_member):
    submitted = make_request("submitted")
    assert get(client, focal_point, reverse("intake:detail", args=[submitted.pk])).status_code == 200
    response = get(client, officer, reverse("intake:detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert "Eligibility" in response.content.decode()
    assert get(client, committee_member, reverse("intake:detail", args=[submitted.pk])).status_code == 404
    stranger = user_with_role("focal_point")
    assert get(client, stranger, reverse("intake:detail", args=[submitted.pk])).status_code == 404


def test_officer_does_not_see_someone_elses_draft(client, make_request, officer):
    draft = make_request("draft")
    assert get(client, officer, reverse("intake:detail", args=[draft.pk])).status_code == 404


def test_requester_does_not_see_internal_notes(client, make_request, focal_point, officer):
    from pontis.intake import services

    request = make_request("submitted")
    services.request_note(request=request, by=officer, body="Internal: check the donor map")
    services.request_ask_info(request=request, by=officer, question="Public: which unit leads?")
    page = get(client, focal_point, reverse("intake:detail", args=[request.pk])).content.decode()
    assert "Public: which unit leads?" in page
    assert "Internal: check the donor map" not in page


def form_data(institution, **extra):
    data = {
        "client_token": str(uuid.uuid4()), "title_es": "Return and reintegration", "language": "es",
        "institutions": [institution.pk], "countries": [Country.objects.get(code="PE").pk],
        "themes": [ThematicArea.objects.get(code="legal").pk], "problem": "P", "objectives": "O",
        "endorsement_official_name": "Ana Pérez", "endorsement_official_position": "Vice-Minister",
    }
    data.update(extra)
    return data


def test_create_and_submit_from_the_form(client, focal_point, institution):
    client.force_login(focal_point)
    response = client.post(reverse("intake:create"), form_data(institution, intent="submit"))
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:check", args=[request.pk])  # check your answers first
    assert request.status == "draft"
    response = client.post(reverse("intake:submit", args=[request.pk]))
    assert response["Location"] == reverse("intake:detail", args=[request.pk])
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.title == {"es": "Return and reintegration"}


def test_the_title_is_written_in_several_languages(client, focal_point, institution):
    client.force_login(focal_point)
    data = form_data(institution, intent="save", title_fr="Retour et réintégration", title_en="  ")
    client.post(reverse("intake:create"), data)
    assert Request.objects.get().title == {"es": "Return and reintegration", "fr": "Retour et réintégration"}


def test_editing_the_title_keeps_a_language_the_form_does_not_show(client, make_request, focal_point, institution):
    from pontis.intake import services

    draft = make_request("draft")
    services.request_save_draft(by=focal_point, request=draft, data={"title": {"en": "Labour migration", "th": "แรงงาน"}})
    page = get(client, focal_point, reverse("intake:edit", args=[draft.pk])).content.decode()
    assert 'name="title_en" value="Labour migration"' in page
    data = form_data(institution, intent="save", title_es="", title_en="Labour mobility",
                     title__other='{"th": "แรงงาน"}')
    client.post(reverse("intake:edit", args=[draft.pk]), data)
    assert Request.objects.get(pk=draft.pk).title == {"en": "Labour mobility", "th": "แรงงาน"}


def test_double_submitted_create_form_makes_one_request(client, focal_point, institution):
    client.force_login(focal_point)
    data = form_data(institution, intent="save")
    client.post(reverse("intake:create"), data)
    client.post(reverse("intake:create"), data)
    assert Request.objects.count() == 1


def test_submit_without_endorsement_shows_message_and_keeps_draft(client, focal_point, institution):
    client.force_login(focal_point)
    data = form_data(institution, intent="submit", endorsement_official_name="", endorsement_official_position="")
    response = client.post(reverse("intake:create"), data, follow=True)
    assert Request.objects.get().status == "draft"
    assert "some information is missing" in response.content.decode()
    assert "Add the endorsement" in response.content.decode()


def test_create_with_disguised_upload_shows_error_and_saves_nothing(client, focal_point, institution):
    client.force_login(focal_point)
    data = form_data(institution, intent="save")
    data["endorsement_letter"] = SimpleUploadedFile("letter.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("intake:create"), data)
    assert response.status_code == 200
    assert "Only PDF, Word (DOCX) and image files" in response.content.decode()
    assert Request.objects.count() == 0


def test_create_page_refused_to_officer(client, officer):
    assert get(client, officer, reverse("intake:create")).status_code == 403


def test_autosave_creates_then_updates_draft(client, focal_point, institution):
    client.force_login(focal_point)
    data = form_data(institution)
    first = client.post(reverse("intake:autosave_new"), data)
    assert "Saved at" in first.content.decode()
    data["title_es"] = "Changed"
    client.post(reverse("intake:autosave_new"), data)
    assert Request.objects.count() == 1
    assert Request.objects.get().title == {"es": "Changed"}


def test_autosave_reports_validation_error(client, focal_point):
    other = user_with_role("focal_point")
    client.force_login(focal_point)
    response = client.post(reverse("intake:autosave_new"), form_data(other.roles.get().institution))
    assert "Not saved" in response.content.decode()
    assert Request.objects.count() == 0


def test_topics_follow_themes(client, focal_point):
    legal = ThematicArea.objects.get(code="legal")
    response = get(client, focal_point, reverse("intake:topics") + f"?themes={legal.pk}")
    assert response.status_code == 200
    assert {t.theme_id for t in response.context["topics"]} == {legal.pk}


def test_endorsement_download_only_for_who_may_see(client, make_request, focal_point, committee_member):
    from pontis.intake import services

    request = make_request("draft")
    services.request_endorsement_attach(request=request, by=focal_point, upload=SimpleUploadedFile(
        "carta firmada.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    response = get(client, focal_point, reverse("intake:endorsement", args=[request.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    # Served under the name its checked content gives it; the uploaded name is only shown on the page.
    assert response["Content-Disposition"] == f'attachment; filename="letter-{request.pk}.pdf"'
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert Request.objects.get(pk=request.pk).endorsement_letter_name == "carta firmada.pdf"
    assert get(client, committee_member, reverse("intake:endorsement", args=[request.pk])).status_code == 404


def test_illegal_move_in_page_shows_message(client, make_request, officer):
    request = make_request("forwarded")
    client.force_login(officer)
    response = client.post(reverse("intake:ask_info", args=[request.pk]), {"question": "?"}, follow=True)
    assert "This step is not possible" in response.content.decode()
    assert Request.objects.get(pk=request.pk).status == "forwarded"


def test_screening_and_decision_pages_flow(client, make_request, officer, committee_member, focal_point):
    request = make_request("submitted")
    client.force_login(officer)
    client.post(reverse("intake:forward", args=[request.pk]))
    assert Request.objects.get(pk=request.pk).status == "forwarded"
    client.force_login(committee_member)
    client.post(reverse("intake:defer", args=[request.pk]), {"reason": "Wait"})
    assert Request.objects.get(pk=request.pk).status == "deferred"
    page = get(client, focal_point, reverse("intake:detail", args=[request.pk])).content.decode()
    assert "Wait" in page


def test_approve_button_refused_to_officer(client, make_request, officer):
    request = make_request("forwarded")
    client.force_login(officer)
    assert client.post(reverse("actions:request_approve", args=[request.pk])).status_code == 403
    assert Request.objects.get(pk=request.pk).status == "forwarded"


def test_at_risk_page_per_role(client, make_request, officer, committee_member, focal_point):
    request = make_request("submitted")
    Request.objects.filter(pk=request.pk).update(status_changed_at=request.submitted_at.replace(year=2020))
    response = get(client, officer, reverse("intake:at_risk"))
    assert response.status_code == 200
    assert [row["request"].pk for row in response.context["page"].object_list] == [request.pk]
    assert "not screened" in response.content.decode()
    for user in (committee_member, focal_point):
        assert get(client, user, reverse("intake:at_risk")).status_code == 403


def test_home_panels(client, make_request, officer, committee_member, focal_point):
    make_request("forwarded")
    make_request("submitted")
    assert "Screen the request: forward it or close it" in get(client, officer, "/").content.decode()
    assert "Decide on the request" in get(client, committee_member, "/").content.decode()
    assert "My requests" in get(client, focal_point, "/").content.decode()


def test_list_query_budget_does_not_grow(client, make_request, officer):
    for _ in range(2):
        make_request("submitted")
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert response.status_code == 200 and len(response.context["rows"]) == 2
    for _ in range(10):
        make_request("submitted")
    large, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert response.status_code == 200 and len(response.context["rows"]) == 12
    assert_flat(small, large)


def test_create_and_edit_pages_render_for_requester(client, make_request, focal_point):
    assert get(client, focal_point, reverse("intake:create")).status_code == 200
    draft = make_request("draft")
    page = get(client, focal_point, reverse("intake:edit", args=[draft.pk])).content.decode()
    assert 'hx-trigger="change delay:1s, input delay:4s"' in page
    assert "Before you can submit" not in page  # the fixture's draft is complete
