"""Service tests: happy path, each illegal move, each refusal (nothing changes), each validation error."""

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, Notification, ThematicArea, Topic
from pontis.intake import services
from pontis.intake.models import Comment, Decision, Request
from tests.factories import InstitutionFactory, user_with_role

pytestmark = pytest.mark.django_db


def status_of(request):
    return Request.objects.get(pk=request.pk).status


# ---------------------------------------------------------------- drafts


def test_save_draft_creates_request_with_own_institution(focal_point, institution):
    request = services.request_save_draft(by=focal_point, data={"title": "Border management"})
    assert request.status == "draft"
    assert request.title == {"en": "Border management"}
    assert list(request.institutions.all()) == [institution]
    assert request.submitted_at is None
    assert AuditEvent.objects.for_object(request).filter(action="create").count() == 1


def test_save_draft_twice_with_same_token_makes_one_request(focal_point):
    token = uuid.uuid4()
    first = services.request_save_draft(by=focal_point, data={"title": "A"}, client_token=token)
    second = services.request_save_draft(by=focal_point, data={"title": "B"}, client_token=token)
    assert first.pk == second.pk
    assert Request.objects.count() == 1
    assert Request.objects.get().title == {"en": "B"}


def test_save_draft_refused_to_officer(officer):
    with pytest.raises(NotAllowed):
        services.request_save_draft(by=officer, data={"title": "X"})
    assert Request.objects.count() == 0


def test_save_draft_requires_own_institution(focal_point):
    other = InstitutionFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.request_save_draft(by=focal_point, data={"institutions": [other]})
    assert set(exc.value.errors) == {"institutions"}
    assert Request.objects.count() == 0


def test_save_draft_refuses_topic_outside_chosen_themes(focal_point):
    legal = ThematicArea.objects.get(code="legal")
    stray = Topic.objects.exclude(theme=legal).first()
    with pytest.raises(ValidationFailed) as exc:
        services.request_save_draft(by=focal_point, data={"themes": [legal], "topics": [stray]})
    assert set(exc.value.errors) == {"topics"}


def test_save_draft_refuses_too_long_title(focal_point):
    with pytest.raises(ValidationFailed) as exc:
        services.request_save_draft(by=focal_point, data={"title": "x" * 301})
    assert set(exc.value.errors) == {"title"}


def test_update_by_other_institution_focal_point_refused(make_request):
    request = make_request("draft")
    stranger = user_with_role("focal_point")
    with pytest.raises(NotAllowed):
        services.request_save_draft(by=stranger, data={"title": "Hijacked"}, request=request)
    assert Request.objects.get(pk=request.pk).title == {"en": "Strengthening labour migration management"}


def test_update_after_submission_is_illegal(make_request, focal_point):
    request = make_request("submitted")
    with pytest.raises(IllegalTransition):
        services.request_save_draft(by=focal_point, data={"title": "Changed"}, request=request)
    assert Request.objects.get(pk=request.pk).title == {"en": "Strengthening labour migration management"}


def test_update_while_information_requested_is_allowed(make_request, focal_point):
    request = make_request("info_requested")
    services.request_save_draft(by=focal_point, data={"preferred_timing": "March"}, request=request)
    assert Request.objects.get(pk=request.pk).preferred_timing == "March"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_endorsement_letter_checked_by_content(make_request, focal_point):
    request = make_request("draft", endorsement_official_name="", endorsement_official_position="")
    services.request_endorsement_attach(request=request, by=focal_point,
                                        upload=SimpleUploadedFile("carta.pdf", PDF, content_type="application/pdf"))
    request.refresh_from_db()
    assert request.endorsement_letter_name == "carta.pdf"
    assert request.endorsement_letter.name.endswith(".pdf")
    assert request.has_endorsement is True


def test_endorsement_letter_refuses_disguised_file(make_request, focal_point):
    request = make_request("draft")
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        services.request_endorsement_attach(request=request, by=focal_point, upload=fake)
    assert exc.value.field == "endorsement_letter"
    assert not Request.objects.get(pk=request.pk).endorsement_letter


def test_endorsement_letter_refuses_too_large_file(make_request, focal_point, settings):
    settings.PONTIS_MAX_UPLOAD_BYTES = 20
    request = make_request("draft")
    with pytest.raises(ValidationFailed):
        services.request_endorsement_attach(request=request, by=focal_point,
                                            upload=SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf"))
    assert not Request.objects.get(pk=request.pk).endorsement_letter


# ---------------------------------------------------------------- submission


def test_submit_records_eligibility_and_notifies_officers(make_request, focal_point, officer,
                                                          django_capture_on_commit_callbacks):
    request = make_request("draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(request=request, by=focal_point)
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.submitted_at is not None
    assert request.eligible is True
    assert [c["code"] for c in request.eligibility] == ["country_instrument", "institution_type_allowed"]
    assert Notification.objects.filter(recipient=officer, url=f"/requests/{request.pk}/").count() == 1
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.for_object(request).filter(action="transition").count() == 1


def test_submit_graduated_country_is_eligible(make_request, focal_point):
    request = make_request("draft", countries=[Country.objects.get(code="PE")])
    services.request_submit(request=request, by=focal_point)
    request.refresh_from_db()
    assert request.eligible is True
    # Peru is both DCI-listed and graduated; the instrument is the stated reason.
    assert request.eligibility[0]["code"] == "country_instrument"


def test_submit_country_not_covered_is_recorded_not_eligible(make_request, focal_point):
    request = make_request("draft", countries=[Country.objects.get(code="FR")])
    services.request_submit(request=request, by=focal_point)
    request.refresh_from_db()
    assert request.eligible is False
    assert request.eligibility[0] == {"ok": False, "code": "country_not_covered", "subject": "FR", "detail": ""}


def test_submit_without_endorsement_is_refused(make_request, focal_point):
    request = make_request("draft", endorsement_official_name="", endorsement_official_position="")
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(request=request, by=focal_point)
    assert set(exc.value.errors) == {"endorsement"}
    assert status_of(request) == "draft"


def test_submit_incomplete_lists_every_missing_field(focal_point):
    request = services.request_save_draft(by=focal_point, data={})
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(request=request, by=focal_point)
    assert set(exc.value.errors) == {"title", "countries", "themes", "problem", "objectives", "endorsement"}


def test_submit_twice_is_illegal(make_request, focal_point):
    request = make_request("submitted")
    with pytest.raises(IllegalTransition):
        services.request_submit(request=request, by=focal_point)


def test_submit_by_officer_refused(make_request, officer):
    request = make_request("draft")
    with pytest.raises(NotAllowed):
        services.request_submit(request=request, by=officer)
    assert status_of(request) == "draft"


# ---------------------------------------------------------------- screening


def test_ask_info_then_answer_round_trip(make_request, focal_point, officer):
    request = make_request("submitted")
    services.request_ask_info(request=request, by=officer, question="Who leads the working group?")
    assert status_of(request) == "info_requested"
    assert Notification.objects.filter(recipient=focal_point, url=f"/requests/{request.pk}/").count() == 1
    services.request_answer(request=request, by=focal_point, answer="The Directorate of Migration.")
    assert status_of(request) == "submitted"
    assert list(Comment.objects.filter(request=request).values_list("kind", flat=True)) == ["question", "answer"]
    assert Notification.objects.filter(recipient=officer, url=f"/requests/{request.pk}/").count() == 2


def test_ask_info_requires_question(make_request, officer):
    request = make_request("submitted")
    with pytest.raises(ValidationFailed):
        services.request_ask_info(request=request, by=officer, question="  ")
    assert status_of(request) == "submitted"
    assert Comment.objects.count() == 0


def test_ask_info_refused_to_focal_point_and_committee(make_request, focal_point, committee_member):
    request = make_request("submitted")
    for user in (focal_point, committee_member):
        with pytest.raises(NotAllowed):
            services.request_ask_info(request=request, by=user, question="?")
    assert status_of(request) == "submitted"


def test_ask_info_on_forwarded_is_illegal(make_request, officer):
    request = make_request("forwarded")
    with pytest.raises(IllegalTransition):
        services.request_ask_info(request=request, by=officer, question="?")
    assert status_of(request) == "forwarded"


def test_answer_without_question_is_illegal(make_request, focal_point):
    request = make_request("submitted")
    with pytest.raises(IllegalTransition):
        services.request_answer(request=request, by=focal_point, answer="Unasked")
    assert Comment.objects.count() == 0


def test_answer_requires_text(make_request, focal_point):
    request = make_request("info_requested")
    with pytest.raises(ValidationFailed):
        services.request_answer(request=request, by=focal_point, answer="")
    assert status_of(request) == "info_requested"


def test_answer_refused_to_officer(make_request, officer):
    request = make_request("info_requested")
    with pytest.raises(NotAllowed):
        services.request_answer(request=request, by=officer, answer="I answer for them")
    assert status_of(request) == "info_requested"


def test_forward_notifies_committee(make_request, officer, committee_member):
    request = make_request("submitted")
    services.request_forward(request=request, by=officer)
    request.refresh_from_db()
    assert request.status == "forwarded"
    assert request.forwarded_at is not None
    assert Notification.objects.filter(recipient=committee_member).count() == 1


def test_forward_ineligible_needs_justification(make_request, focal_point, officer):
    request = make_request("draft", countries=[Country.objects.get(code="FR")])
    services.request_submit(request=request, by=focal_point)
    with pytest.raises(ValidationFailed) as exc:
        services.request_forward(request=request, by=officer)
    assert exc.value.field == "justification"
    assert status_of(request) == "submitted"
    services.request_forward(request=request, by=officer, justification="Regional spill-over for the Sahel route")
    request.refresh_from_db()
    assert request.status == "forwarded"
    assert request.eligibility_override == "Regional spill-over for the Sahel route"


def test_forward_draft_is_refused(make_request, officer):
    request = make_request("draft")
    with pytest.raises(NotAllowed):
        services.request_forward(request=request, by=officer)
    assert status_of(request) == "draft"


def test_forward_refused_to_committee(make_request, committee_member):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_forward(request=request, by=committee_member)
    assert status_of(request) == "submitted"


def test_officer_rejects_at_screening_with_reason(make_request, officer, focal_point):
    request = make_request("submitted")
    services.request_reject(request=request, by=officer, reason="Not a migration-policy request")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert request.closed_reason == "Not a migration-policy request"
    assert Decision.objects.count() == 0
    assert Notification.objects.filter(recipient=focal_point, event="intake.request_rejected", params__reason="Not a migration-policy request").count() == 1


def test_reject_requires_reason(make_request, officer):
    request = make_request("submitted")
    with pytest.raises(ValidationFailed):
        services.request_reject(request=request, by=officer, reason="")
    assert status_of(request) == "submitted"


def test_withdraw_by_requester(make_request, focal_point):
    request = make_request("submitted")
    services.request_withdraw(request=request, by=focal_point, reason="Merged with another request")
    assert status_of(request) == "withdrawn"


def test_withdraw_forwarded_is_illegal(make_request, focal_point):
    request = make_request("forwarded")
    with pytest.raises(IllegalTransition):
        services.request_withdraw(request=request, by=focal_point)
    assert status_of(request) == "forwarded"


def test_withdraw_refused_to_officer(make_request, officer):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_withdraw(request=request, by=officer)
    assert status_of(request) == "submitted"


# ---------------------------------------------------------------- committee


def test_defer_records_decision_and_notifies_requester(make_request, committee_member, focal_point):
    request = make_request("forwarded")
    services.request_defer(request=request, by=committee_member, reason="Wait for the new government")
    request.refresh_from_db()
    assert request.status == "deferred"
    assert list(request.decisions.values_list("outcome", "reason")) == [("defer", "Wait for the new government")]
    assert Notification.objects.filter(recipient=focal_point, event="intake.request_deferred", params__reason="Wait for the new government").count() == 1


def test_defer_requires_reason(make_request, committee_member):
    request = make_request("forwarded")
    with pytest.raises(ValidationFailed):
        services.request_defer(request=request, by=committee_member, reason=" ")
    assert status_of(request) == "forwarded"
    assert Decision.objects.count() == 0


def test_deferred_can_be_forwarded_again(make_request, officer):
    request = make_request("deferred")
    services.request_forward(request=request, by=officer)
    assert status_of(request) == "forwarded"


def test_committee_reject_keeps_decision(make_request, committee_member):
    request = make_request("forwarded")
    services.request_reject(request=request, by=committee_member, reason="Duplicate of 2019-03")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert list(request.decisions.values_list("outcome", "reason")) == [("reject", "Duplicate of 2019-03")]


def test_decide_refused_to_officer(make_request, officer):
    request = make_request("forwarded")
    with pytest.raises(NotAllowed):
        services.request_defer(request=request, by=officer, reason="x")
    with pytest.raises(NotAllowed):
        services.request_reject(request=request, by=officer, reason="x")
    assert status_of(request) == "forwarded"
    assert Decision.objects.count() == 0


def test_defer_before_forwarding_is_refused(make_request, committee_member):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_defer(request=request, by=committee_member, reason="x")
    assert status_of(request) == "submitted"


def test_defer_twice_is_illegal(make_request, committee_member):
    request = make_request("deferred")
    with pytest.raises(IllegalTransition):
        services.request_defer(request=request, by=committee_member, reason="again")
    assert Decision.objects.count() == 1


def test_rejected_is_final(make_request, officer, committee_member):
    request = make_request("rejected")
    with pytest.raises(IllegalTransition):
        services.request_forward(request=request, by=officer)
    with pytest.raises(IllegalTransition):
        services.request_record_approval(request=request, by=committee_member)
    assert status_of(request) == "rejected"


def test_record_approval_decides_and_notifies(make_request, committee_member, focal_point):
    # Approval as a whole (with its Action) is pontis.actions.services.request_approve: see actions' tests.
    request = make_request("forwarded")
    services.request_record_approval(request=request, by=committee_member, reason="Fits the 2024 priorities")
    request.refresh_from_db()
    assert request.status == "approved"
    assert list(request.decisions.values_list("outcome", flat=True)) == ["approve"]
    assert Notification.objects.filter(recipient=focal_point, url=f"/requests/{request.pk}/").exists()


def test_approve_refused_to_officer(make_request, officer):
    request = make_request("forwarded")
    with pytest.raises(NotAllowed):
        services.request_record_approval(request=request, by=officer)
    assert status_of(request) == "forwarded"
    assert not Decision.objects.filter(request=request).exists()


def test_approve_submitted_is_refused(make_request, committee_member):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_record_approval(request=request, by=committee_member)
    assert status_of(request) == "submitted"


def test_note_internal_by_committee(make_request, committee_member):
    request = make_request("forwarded")
    note = services.request_note(request=request, by=committee_member, body="Check with DG INTPA")
    assert note.kind == "note"


def test_note_refused_to_focal_point(make_request, focal_point):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_note(request=request, by=focal_point, body="x")
    assert Comment.objects.count() == 0


def test_note_requires_body(make_request, officer):
    request = make_request("submitted")
    with pytest.raises(ValidationFailed):
        services.request_note(request=request, by=officer, body="")
