import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pontis.actions import services
from pontis.actions.models import Action, ActionCodeCounter, Activity, Deliverable, FicheVersion, FollowUp
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Notification

from .factories import agreed_action, all_scores, approved_request, fiche_content, make_action, sop, workshop

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def cv_name():
    from pontis.core.models import Country

    return Country.objects.get(code="CV").name["en"]


# ---------------------------------------------------------------- action_create_from_request


def test_create_from_request_gives_code_title_partners_region_and_clock(committee_member, focal_point, institution):
    # given a Cabo Verde request by a focal point
    request = approved_request(countries=("CV",), institutions=[institution], submitted_by=focal_point, days_ago=10)
    # when the committee approves it
    action = services.action_create_from_request(request=request, by=committee_member)
    # then
    year = TODAY().year
    assert action.code == f"{year}-01"
    assert action.title["en"] == cv_name()
    assert action.region.code == "west_africa"
    assert [c.code for c in action.countries.all()] == ["CV"]
    assert [t.code for t in action.themes.all()] == ["legal"]
    partner = action.partners.get()
    assert (partner.institution, partner.operational_focal_point) == (institution, focal_point)
    assert action.requested_on == TODAY() - datetime.timedelta(days=10)
    assert action.approved_on == TODAY()
    assert action.fiche_versions.get().status == FicheVersion.Status.DRAFT
    assert AuditEvent.objects.for_object(action).filter(action="create").count() == 1
    assert Notification.objects.filter(recipient=focal_point).count() == 1


def test_create_from_request_numbers_repeat_actions_and_is_idempotent(committee_member, institution):
    repeat = approved_request(institutions=[institution])
    first = services.action_create_from_request(request=approved_request(institutions=[institution]), by=committee_member)
    second = services.action_create_from_request(request=repeat, by=committee_member)
    again = services.action_create_from_request(request=repeat, by=committee_member)
    assert (first.title["en"], second.title["en"]) == (cv_name(), f"{cv_name()} II")
    assert second.code.endswith("-02")
    assert again.pk == second.pk
    assert Action.objects.count() == 2


def test_create_from_request_spanning_regions_is_global(committee_member):
    action = services.action_create_from_request(request=approved_request(countries=("CV", "PE")), by=committee_member)
    assert action.region.code == "global"
    assert action.title["en"] == cv_name()


def test_create_from_request_refused_to_focal_point(focal_point):
    with pytest.raises(NotAllowed):
        services.action_create_from_request(request=approved_request(), by=focal_point)
    assert Action.objects.count() == 0


def test_code_counter_skips_codes_taken_by_imports(officer):
    year = TODAY().year
    make_action(officer, code=f"{year}-01")
    make_action(officer, code=f"{year}-03")
    assert services.next_action_code(year) == f"{year}-04"
    assert services.next_action_code(year) == f"{year}-05"
    assert ActionCodeCounter.objects.get(year=year).last == 5


def test_action_create_validation(officer):
    with pytest.raises(ValidationFailed) as err:
        services.action_create(by=officer, countries=[], themes=[])
    assert set(err.value.errors) == {"countries", "themes"}
    make_action(officer, code="2020-01")
    with pytest.raises(ValidationFailed):
        make_action(officer, code="2020-01")
    with pytest.raises(ValidationFailed):
        make_action(officer, code="20-1")
    assert Action.objects.count() == 1


def test_action_create_idempotency_key(officer):
    from pontis.core.models import Country, ThematicArea

    kwargs = dict(by=officer, countries=Country.objects.filter(code="PE"), themes=ThematicArea.objects.filter(code="legal"),
                  idempotency_key="k1")
    assert services.action_create(**kwargs).pk == services.action_create(**kwargs).pk
    assert Action.objects.count() == 1


# ---------------------------------------------------------------- fiche


def test_fiche_agreement_flow(officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content(3))
    # the partner must agree first
    with pytest.raises(ValidationFailed):
        services.fiche_agree(version=draft, by=officer)
    services.fiche_partner_agree(version=draft, by=focal_point)
    services.fiche_agree(version=draft, by=officer)
    action.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == FicheVersion.Status.AGREED
    assert action.status == Action.Status.ONGOING
    assert action.fiche_agreed_on == TODAY()
    assert list(action.activities.values_list("sequence", "status")) == [(1, "planned"), (2, "planned"), (3, "planned")]


def test_fiche_save_refusals(officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    with pytest.raises(NotAllowed):
        services.fiche_save(version=draft, by=focal_point, content=fiche_content())
    bad = fiche_content()
    bad["activities"][0]["type"] = "nope"
    bad["activities"][1]["end_date"] = "2000-01-01"
    with pytest.raises(ValidationFailed) as err:
        services.fiche_save(version=draft, by=officer, content=bad)
    assert set(err.value.errors) == {"activities.1.type", "activities.2.end_date"}
    draft.refresh_from_db()
    assert draft.content == {"activities": []}


def test_fiche_agree_needs_objective_and_activity(officer):
    action = make_action(officer)
    draft = services.current_draft(action)
    with pytest.raises(ValidationFailed) as err:
        services.fiche_agree(version=draft, by=officer)
    assert set(err.value.errors) == {"overall_objective", "activities"}
    assert Action.objects.get(pk=action.pk).status == Action.Status.DESIGN


def test_redesign_makes_version_two_and_diff(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    with pytest.raises(ValidationFailed):
        services.fiche_redesign(action=action, by=officer, reason=" ")
    v2 = services.fiche_redesign(action=action, by=officer, reason="Focus on smuggling only")
    with pytest.raises(IllegalTransition):
        services.fiche_redesign(action=action, by=officer, reason="again")
    content = dict(v2.content, overall_objective="Focus on smuggling of migrants.")
    services.fiche_save(version=v2, by=officer, content=content)
    services.fiche_partner_agree(version=v2, by=focal_point)
    services.fiche_agree(version=v2, by=officer)
    statuses = list(action.fiche_versions.order_by("number").values_list("number", "status"))
    assert statuses == [(1, "superseded"), (2, "agreed")]
    diff = services.fiche_diff(*action.fiche_versions.order_by("number"))
    assert ("removed", "Strengthen the ministry.") in diff
    assert ("added", "Focus on smuggling of migrants.") in diff


def test_agreed_version_cannot_be_saved(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    with pytest.raises(IllegalTransition):
        services.fiche_save(version=action.fiche_versions.get(), by=officer, content=fiche_content())


def test_comments_and_proposals(officer, focal_point, institution, make_user):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_comment_add(version=draft, by=focal_point, body="Please add a training.", idempotency_key="c1")
    services.fiche_comment_add(version=draft, by=focal_point, body="Please add a training.", idempotency_key="c1")
    assert draft.comments.count() == 1
    with pytest.raises(ValidationFailed):
        services.fiche_comment_add(version=draft, by=focal_point, body="  ")
    outsider = make_user("focal_point")
    with pytest.raises(NotAllowed):
        services.fiche_comment_add(version=draft, by=outsider, body="hi")
    proposal = services.fiche_propose(version=draft, by=focal_point, section="context", text="New context.")
    with pytest.raises(ValidationFailed):
        services.fiche_propose(version=draft, by=focal_point, section="nope", text="x")
    with pytest.raises(NotAllowed):
        services.fiche_proposal_decide(proposal=proposal, by=focal_point, accept=True)
    with pytest.raises(ValidationFailed):
        services.fiche_proposal_decide(proposal=proposal, by=officer, accept=False, note="")
    services.fiche_proposal_decide(proposal=proposal, by=officer, accept=True)
    draft.refresh_from_db()
    assert draft.content["context"] == "New context."
    with pytest.raises(IllegalTransition):
        services.fiche_proposal_decide(proposal=proposal, by=officer, accept=False, note="late")


# ---------------------------------------------------------------- activities


def test_activity_flow_launches_action(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.first()
    services.activity_update(activity=activity, by=officer, start_date=TODAY() - datetime.timedelta(days=2), end_date=TODAY())
    services.activity_confirm(activity=activity, by=officer)
    services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY())
    action.refresh_from_db()
    assert action.launched_on == TODAY()
    services.activity_report(activity=activity, by=officer, report="Went well.", participants_women=10, participants_men=8,
                             participants_by_institution=[{"institution": "MOI", "count": 18}])
    activity.refresh_from_db()
    assert (activity.status, activity.participants_total) == ("reported", 18)
    assert AuditEvent.objects.for_object(activity).filter(action="transition").count() == 3


def test_activity_illegal_moves_change_nothing(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.first()
    with pytest.raises(IllegalTransition):
        services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY())
    with pytest.raises(IllegalTransition):
        services.activity_report(activity=activity, by=officer, report="x", participants_women=1)
    with pytest.raises(IllegalTransition):
        services.activity_reschedule(activity=activity, by=officer, start_date=TODAY())
    activity.refresh_from_db()
    assert (activity.status, activity.report) == ("planned", "")


def test_activity_refused_to_focal_point(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.first()
    with pytest.raises(NotAllowed):
        services.activity_confirm(activity=activity, by=focal_point)
    assert Activity.objects.get(pk=activity.pk).status == "planned"


def test_activity_validation(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.first()
    with pytest.raises(ValidationFailed):
        services.activity_postpone(activity=activity, by=officer, reason="")
    services.activity_postpone(activity=activity, by=officer, reason="Elections")
    with pytest.raises(ValidationFailed):
        services.activity_reschedule(activity=activity, by=officer, start_date=TODAY(), end_date=TODAY() - datetime.timedelta(days=1))
    services.activity_reschedule(activity=activity, by=officer, start_date=TODAY())
    services.activity_confirm(activity=activity, by=officer)
    with pytest.raises(ValidationFailed):
        services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY() + datetime.timedelta(days=3))
    services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY())
    with pytest.raises(ValidationFailed):
        services.activity_report(activity=activity, by=officer, report="ok")
    with pytest.raises(ValidationFailed):
        services.activity_report(activity=activity, by=officer, report="", participants_women=2)
    assert Activity.objects.get(pk=activity.pk).status == "delivered"


def test_confirm_needs_agreed_fiche(officer):
    action = make_action(officer)
    activity = services.activity_create(action=action, by=officer, type=workshop(), start_date=TODAY())
    with pytest.raises(IllegalTransition):
        services.activity_confirm(activity=activity, by=officer)


def test_activity_get_or_create_for_import(officer):
    action = make_action(officer)
    past = TODAY() - datetime.timedelta(days=400)
    activity, created = services.activity_get_or_create_for_import(action=action, type=workshop(), start_date=past,
                                                                   end_date=past + datetime.timedelta(days=2))
    again, created_again = services.activity_get_or_create_for_import(action=action, type=workshop(),
                                                                      start_date=past + datetime.timedelta(days=1), end_date=past + datetime.timedelta(days=1))
    assert (created, created_again, again.pk) == (True, False, activity.pk)
    assert activity.status == "reported"
    action.refresh_from_db()
    assert action.launched_on == past + datetime.timedelta(days=2)


# ---------------------------------------------------------------- deliverables


def test_deliverable_flow_with_evidence(officer):
    action = make_action(officer)
    deliverable = services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    services.deliverable_advance(deliverable=deliverable, by=officer, to="validated")
    with pytest.raises(ValidationFailed):
        services.deliverable_advance(deliverable=deliverable, by=officer, to="endorsed")
    services.deliverable_advance(deliverable=deliverable, by=officer, to="endorsed", evidence="Approved by Supreme Decree N° 008-2018-IN")
    with pytest.raises(IllegalTransition):
        services.deliverable_advance(deliverable=deliverable, by=officer, to="validated")
    services.deliverable_advance(deliverable=deliverable, by=officer, to="adopted")
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.evidence) == ("adopted", "Approved by Supreme Decree N° 008-2018-IN")


def test_deliverable_refusals(officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    with pytest.raises(NotAllowed):
        services.deliverable_create(action=action, by=focal_point, type=sop(), title={"en": "SOP"})
    with pytest.raises(ValidationFailed):
        services.deliverable_create(action=action, by=officer, type=sop(), title={})
    assert Deliverable.objects.count() == 0


def test_deliverable_file_checked_by_content(officer, focal_point, institution, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        services.deliverable_file_add(deliverable=deliverable, by=focal_point, upload=fake)
    settings.PONTIS_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationFailed):
        services.deliverable_file_add(deliverable=deliverable, by=officer, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 50))
    settings.PONTIS_MAX_UPLOAD_BYTES = 10_000
    item = services.deliverable_file_add(deliverable=deliverable, by=focal_point,
                                         upload=SimpleUploadedFile("decree.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert (item.content_type, deliverable.files.count()) == ("application/pdf", 1)


# ---------------------------------------------------------------- closure and follow-ups


def _reported_action(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    for activity in action.activities.all():
        services.activity_cancel(activity=activity, by=officer, reason="merged")
    return action


def test_close_schedules_follow_ups_and_reminders_are_sent_once(officer, focal_point, institution):
    action = _reported_action(officer, focal_point, institution)
    closed_on = datetime.date(2025, 1, 31)
    services.action_close(action=action, by=officer, final_report="Done.", lessons_learnt="Lessons.", scores=all_scores(),
                          closed_on=closed_on)
    action.refresh_from_db()
    assert action.status == "completed"
    assert list(action.follow_ups.values_list("months", "due_on")) == [(6, datetime.date(2025, 7, 31)), (12, datetime.date(2026, 1, 31))]
    assert action.self_assessment.count() == 10
    before = Notification.objects.filter(recipient=focal_point).count()
    assert services.followups_send_due_reminders(on=datetime.date(2025, 8, 1)) == 1
    assert services.followups_send_due_reminders(on=datetime.date(2025, 8, 1)) == 0
    assert Notification.objects.filter(recipient=focal_point).count() == before + 1
    follow_up = action.follow_ups.get(months=6)
    services.followup_record(follow_up=follow_up, by=focal_point, outcome="SOPs in use.")
    with pytest.raises(IllegalTransition):
        services.followup_record(follow_up=follow_up, by=focal_point, outcome="again")


def test_close_validation_and_refusal(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    with pytest.raises(NotAllowed):
        services.action_close(action=action, by=focal_point, final_report="x", lessons_learnt="y", scores=all_scores())
    with pytest.raises(ValidationFailed) as err:
        services.action_close(action=action, by=officer, final_report="", lessons_learnt="y", scores={})
    assert "final_report" in err.value.errors and "activities" in err.value.errors and "score_ownership" in err.value.errors
    assert Action.objects.get(pk=action.pk).status == "ongoing"
    assert FollowUp.objects.count() == 0


def test_close_and_cancel_illegal_from_design(officer):
    action = make_action(officer)
    with pytest.raises(IllegalTransition):
        services.action_close(action=action, by=officer, final_report="x", lessons_learnt="y", scores=all_scores())
    services.action_cancel(action=action, by=officer, reason="Request withdrawn")
    with pytest.raises(IllegalTransition):
        services.action_cancel(action=action, by=officer, reason="again")
    assert Action.objects.get(pk=action.pk).cancel_reason == "Request withdrawn"


def test_followup_command_is_idempotent(officer, focal_point, institution):
    from io import StringIO

    from django.core.management import call_command

    action = _reported_action(officer, focal_point, institution)
    services.action_close(action=action, by=officer, final_report="Done.", lessons_learnt="L.", scores=all_scores(),
                          closed_on=datetime.date(2020, 1, 1))
    first, second = StringIO(), StringIO()
    call_command("send_followup_reminders", stdout=first)
    call_command("send_followup_reminders", stdout=second)
    assert (first.getvalue().strip(), second.getvalue().strip()) == ("2 follow-up reminder(s) sent.", "0 follow-up reminder(s) sent.")


def test_repeat_action_numeral_follows_the_highest_in_use(committee_member, institution):
    # given a historical "Cabo Verde IV" (its I-III were never recorded here)
    historical = services.action_create_from_request(request=approved_request(institutions=[institution]), by=committee_member)
    Action.objects.filter(pk=historical.pk).update(title={"en": f"{cv_name()} IV"})
    # when a new Cabo Verde request is approved
    action = services.action_create_from_request(request=approved_request(institutions=[institution]), by=committee_member)
    # then it is the fifth, not the second
    assert action.title["en"] == f"{cv_name()} V"
