"""The small facility the access matrix runs against: two institutions (A and B), one person per principal,
and objects of both institutions in the states that matter for access (draft, submitted, public, staff-only).

Built once per test module (``build_world``); every request of the matrix then runs inside a savepoint that is
rolled back, so a permitted write never changes what the next request sees.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every principal the matrix tries, in the order the table and docs/roles.md show them.
PRINCIPALS = (
    "anonymous",
    "admin",
    "officer",
    "committee",
    "focal_point",  # focal point of institution A
    "expert",  # expert of institution A, deployed on A's Action
    "observer",
    "other_focal_point",  # focal point of institution B
    "other_expert",  # expert of institution B, deployed on B's Action
    "delegation",  # the EU Delegation to the world's country (Cabo Verde: every request, A's Action)
    "other_delegation",  # the EU Delegation to another country (Peru), where the world has nothing
    "token_only",  # the officer's bearer token, no session
    "deactivated",  # a former officer, deactivated: old session cookie and old bearer token
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)  # principal -> raw bearer token
    obj: dict = field(default_factory=dict)  # name -> model instance


def build_world() -> World:
    from pontis.accounts import services as account_services
    from pontis.accounts.models import RoleAssignment
    from pontis.actions import services as action_services
    from pontis.actions.models import ActivityDocument, Deliverable, DeliverableFile, FollowUp
    from pontis.actions.tests.factories import agreed_action, make_action, sop
    from pontis.core.models import Country, Notification
    from pontis.events.tests.factories import make_meeting
    from pontis.experts.models import ImportJob, Unavailability
    from pontis.experts.services import deployment_create, invitation_create
    from pontis.experts.tests.factories import make_profile
    from pontis.intake import services as intake_services
    from pontis.intake.tests.conftest import complete_data
    from tests.factories import InstitutionFactory, UserFactory, user_with_role

    w = World()
    o = w.obj
    inst_a, inst_b = InstitutionFactory(acronym="INSTA"), InstitutionFactory(acronym="INSTB")
    o["institution_a"], o["institution_b"] = inst_a, inst_b

    u = w.users
    u["admin"] = user_with_role("admin")
    u["officer"] = user_with_role("officer")
    u["committee"] = user_with_role("committee")
    u["observer"] = user_with_role("observer")
    u["focal_point"] = user_with_role("focal_point", institution=inst_a)
    u["other_focal_point"] = user_with_role("focal_point", institution=inst_b)
    u["expert"] = user_with_role("expert")
    u["other_expert"] = user_with_role("expert")
    u["deactivated"] = user_with_role("officer")
    u["plain"] = UserFactory()  # signed in, no role: only a sample object (a person page, a role to revoke)
    u["delegation"] = UserFactory(email="delegation.cv@matrix.example")
    account_services.role_grant(user=u["delegation"], role="delegation", country=Country.objects.get(code="CV"))
    u["other_delegation"] = UserFactory(email="delegation.pe@matrix.example")
    account_services.role_grant(user=u["other_delegation"], role="delegation", country=Country.objects.get(code="PE"))

    for principal in ("token_only", "deactivated", "focal_point"):
        owner = u["officer"] if principal == "token_only" else u[principal]
        token, raw = account_services.api_token_issue(user=owner, name=f"matrix {principal}")
        w.tokens[principal] = raw
        o[f"token_{principal}"] = token
    o["token_own"] = o["token_focal_point"]  # the focal point's own token
    o["token_other"] = o["token_token_only"]  # the officer's token: someone else's for everyone but the officer

    officer, fp_a, fp_b = u["officer"], u["focal_point"], u["other_focal_point"]

    # Requests for assistance: A's draft and submitted request, B's draft and submitted request.
    def request(by, institution, submitted, letter=False):
        r = intake_services.request_save_draft(by=by, data=complete_data(institution))
        if letter:
            intake_services.request_endorsement_attach(request=r, by=by, upload=SimpleUploadedFile("letter.pdf", PDF))
        if submitted:
            intake_services.request_submit(request=r, by=by)
        r.refresh_from_db()
        return r

    o["request_a_draft"] = request(fp_a, inst_a, submitted=False, letter=True)
    o["request_a_submitted"] = request(fp_a, inst_a, submitted=True, letter=True)
    o["request_b_draft"] = request(fp_b, inst_b, submitted=False, letter=True)
    o["request_b_submitted"] = request(fp_b, inst_b, submitted=True, letter=True)
    o["request_a_forwarded"] = request(fp_a, inst_a, submitted=True)
    intake_services.request_forward(request=o["request_a_forwarded"], by=officer)
    o["request_a_forwarded"].refresh_from_db()
    # The Delegation to Cabo Verde is asked for its opinion on A's submitted request (not answered yet).
    o["consultation_a"] = intake_services.delegation_consult(request=o["request_a_submitted"], by=officer,
                                                             question="Is this a priority for the Delegation?")

    # Actions: A's (Fiche agreed, ongoing work) and B's (in design).
    action_a = agreed_action(officer, fp_a, inst_a)
    action_b = make_action(officer, focal_point=fp_b, institution=inst_b, countries=("SN",))
    o["action_a"], o["action_b"] = action_a, action_b
    o["partner_a"], o["partner_b"] = action_a.partners.get(), action_b.partners.get()
    o["activity_a"] = action_a.activities.order_by("id").first()
    o["activity_b"] = action_services.activity_create(
        action=action_b, by=officer, type=o["activity_a"].type, title={"en": "B workshop"},
        start_date=timezone.localdate() + datetime.timedelta(days=40),
        end_date=timezone.localdate() + datetime.timedelta(days=42))
    for action, key in ((action_a, "a"), (action_b, "b")):
        d = Deliverable.objects.create(action=action, type=sop(), title={"en": f"SOP {key}"})
        f = DeliverableFile(deliverable=d, original_name="sop.pdf", content_type="application/pdf", size=len(PDF),
                            uploaded_by=officer)
        f.file.save(f"sop-{key}.pdf", ContentFile(PDF), save=False)
        f.save()
        o[f"deliverable_{key}"], o[f"deliverable_file_{key}"] = d, f
        o[f"follow_up_{key}"] = FollowUp.objects.create(action=action, months=6,
                                                        due_on=timezone.localdate() + datetime.timedelta(days=180))

    # Experts: A's expert (profile tied to the account, deployed on A's activity) and B's.
    for key, principal, inst in (("a", "expert", inst_a), ("b", "other_expert", inst_b)):
        profile = make_profile(user=u[principal], institution=inst, email=u[principal].email)
        profile.cv.save(f"cv-{profile.pk}.pdf", ContentFile(PDF), save=True)
        o[f"profile_{key}"] = profile
        o[f"unavailability_{key}"] = Unavailability.objects.create(
            profile=profile, start_date=datetime.date(2030, 1, 1), end_date=datetime.date(2030, 1, 5))
    o["deployment_a"] = deployment_create(activity=o["activity_a"], profile=o["profile_a"], by=officer)
    o["deployment_b"] = deployment_create(activity=o["activity_b"], profile=o["profile_b"], by=officer)
    for key in ("a", "b"):  # a mission report on each activity an expert is confirmed on
        doc = ActivityDocument(activity=o[f"activity_{key}"], kind="mission_report", original_name="report.pdf",
                               content_type="application/pdf", size=len(PDF), uploaded_by=officer)
        doc.file.save(f"activity-document-{key}.pdf", ContentFile(PDF), save=False)
        doc.save()
        o[f"activity_document_{key}"] = doc
    later = action_a.activities.order_by("id")[1]
    o["invitation_a"] = invitation_create(activity=later, profile=o["profile_a"], by=officer)
    o["invitation_b"] = invitation_create(activity=later, profile=o["profile_b"], by=officer)
    job = ImportJob(kind=ImportJob.Kind.ROSTER, created_by=officer)
    job.file.save("roster.csv", ContentFile(b"email\n"), save=False)
    job.save()
    o["import_job"] = job
    # A finished export of every dashboard table (pontis/reports, helper "dashboard"), with its file.
    from pontis.reports.models import ReportJob

    export_job = ReportJob(kind=ReportJob.Kind.EXPORT, status=ReportJob.Status.DONE, language="en",
                           requested_by=officer, params={"filters": "", "format": "csv"}, file_name="dashboard-all.csv")
    export_job.file.save("dashboard-export.csv", ContentFile(b"Section\r\n"), save=False)
    export_job.save()
    o["export_job"] = export_job
    # A finished annual report with its PDF, and a build still waiting (pontis/reports, helper "annual").
    annual_done = ReportJob(kind=ReportJob.Kind.ANNUAL_REPORT, status=ReportJob.Status.DONE, language="en",
                            requested_by=officer, params={"year": 2025}, file_name="annual-report-2025-en.pdf")
    annual_done.file.save("annual-report-2025-en.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    annual_done.save()
    o["annual_done"] = annual_done
    o["annual_queued"] = ReportJob.objects.create(kind=ReportJob.Kind.ANNUAL_REPORT, language="fr",
                                                  requested_by=officer, params={"year": 2025})

    # Meetings: a public one and a staff-only (unpublished) one.
    o["meeting_public"] = make_meeting(slug="matrix-public", is_public=True)
    o["meeting_unpublished"] = make_meeting(slug="matrix-unpublished", is_public=False, held=False)

    # Meeting materials (pontis/events, protection): in the public meeting, one as the meeting (public), one for
    # signed-in members, one for the steering committee only.
    from pontis.events.services import material_create

    for key, level, roles in (("public", "inherit", ()), ("members", "members", ()), ("roles", "roles", ("committee",))):
        o[f"material_{key}"] = material_create(meeting=o["meeting_public"], title={"en": f"Matrix {key} material"},
                                               upload=SimpleUploadedFile("slides.pdf", PDF), by=None, access=level,
                                               access_roles=roles)

    # The agenda of the public meeting (pontis/events, helper "agenda"): a session with one contribution whose
    # speaker has been sent a personal upload link, and one discussion note.
    from pontis.events import services as agenda_services

    o["agenda_session"] = agenda_services.session_create(meeting=o["meeting_public"], by=None,
                                                         title={"en": "Matrix session"},
                                                         day=o["meeting_public"].start_date)
    o["agenda_contribution"] = agenda_services.contribution_create(
        session=o["agenda_session"], by=None, speaker_name="Matrix speaker", speaker_email="speaker@example.org")
    o["agenda_contribution"] = agenda_services.speaker_link_send(contribution=o["agenda_contribution"], by=None)
    o["agenda_note"] = agenda_services.note_create(session=o["agenda_session"], by=None, question="Matrix question?")

    # Panels and minutes (pontis/events, helper "panels"): a public panel of Cabo Verde and Peru whose Cabo Verde
    # delegate is A's focal point, a draft 2030 programme with one topic and Peru's pending offer to host it; the
    # public meeting's minutes are open for comments.
    from pontis.events import services as panel_services

    o["panel"] = panel_services.panel_create(by=None, slug="matrix-panel", name={"en": "Matrix panel"}, access="public")
    for code in ("CV", "PE"):
        panel_services.panel_member_add(panel=o["panel"], country=Country.objects.get(code=code), by=None)
    o["panel_member"] = o["panel"].members.get(country__code="PE")
    o["panel_delegate"] = panel_services.delegate_add(panel=o["panel"], by=None, country=Country.objects.get(code="CV"),
                                                      name="Matrix delegate", user=fp_a)
    o["programme"] = panel_services.programme_create(panel=o["panel"], by=None, year=2030, topics=[{"en": "Matrix topic"}])
    o["topic"] = o["programme"].topics.get()
    o["host_offer"] = panel_services.host_offer_create(topic=o["topic"], country=Country.objects.get(code="PE"), by=None)
    o["minutes"] = panel_services.minutes_save(meeting=o["meeting_public"], by=None, executive_summary={"en": "Summary"},
                                               body={"en": "Body"})
    panel_services.minutes_open_comments(minutes=o["minutes"], by=None,
                                         comments_until=timezone.now() + datetime.timedelta(days=3650))

    # Registration and calendars (pontis/events, helper "registration"): a public meeting with open registration
    # and self check-in, one approved registration (not of any principal) checked in on the first day; an
    # invitation to a meeting by invitation; A's focal point's personal calendar feed.
    from pontis.events import services as registration_services
    from pontis.events.models import Meeting as _Meeting

    for slug, mode in (("matrix-registration", "open"), ("matrix-invitation", "invitation")):
        meeting = make_meeting(slug=slug, is_public=True, held=False)
        _Meeting.objects.filter(pk=meeting.pk).update(registration=mode, self_check_in=True)
        meeting.refresh_from_db()
        o[f"meeting_{mode}"] = registration_services.check_in_key_ensure(meeting=meeting, by=u["officer"])
    o["registration"], _ = registration_services.registration_request(
        meeting=o["meeting_open"], name="Matrix participant", email="matrix-participant@example.org", gender="woman",
        institution_name="Matrix ministry", country=Country.objects.get(code="CV"))
    registration_services.registration_decide(registration=o["registration"], by=u["officer"], decision="approve")
    o["attendance"], _ = registration_services.attendance_check_in(
        registration=o["registration"], day=o["meeting_open"].start_date, by=u["officer"])
    o["meeting_invitation_sent"] = registration_services.invitation_create(
        meeting=o["meeting_invitation"], by=u["officer"], email="matrix-invited@example.org")
    o["calendar_feed"] = registration_services.calendar_feed_create(by=fp_a)

    # Library items of every visibility and status, each with a file (pontis/knowledge).
    from pontis.knowledge import services as library_services

    for key, visibility, publish in (("public", "public", True), ("members", "members", True),
                                     ("staff", "staff", True), ("draft", "public", False)):
        item = library_services.item_create(by=None, kind="case_study", title={"en": f"Matrix {key} item"},
                                            slug=f"matrix-{key}", visibility=visibility, actions=[action_a])
        if publish:
            library_services.item_publish(item=item, by=None)
        o[f"library_{key}"] = item
        o[f"library_file_{key}"] = library_services.file_add(item=item, by=None,
                                                             upload=SimpleUploadedFile("guide.pdf", PDF))

    # A thesaurus concept with a preferred and an alternative label (pontis/knowledge).
    from pontis.knowledge.models import Concept, ConceptLabel

    o["concept"] = Concept.objects.create(code="matrix-concept")
    ConceptLabel.objects.create(concept=o["concept"], language="en", text="Matrix concept", preferred=True)
    o["concept_label"] = ConceptLabel.objects.create(concept=o["concept"], language="en", text="MXC")

    # The public portal (pontis/knowledge): A's Action published, B's prepared but not published.
    from pontis.knowledge import portal

    for key, action, publish in (("published", action_a, True), ("unpublished", action_b, False)):
        published = portal.published_action_save(
            action=action, by=officer, slug=f"matrix-portal-{key}", summary={"en": "A public summary"},
            partner_agreed_by="The partner", partner_agreed_on=datetime.date(2024, 1, 10))
        if publish:
            published = portal.published_action_publish(published=published, by=officer)
        o[f"portal_{key}"] = published

    # Feedback distribution (pontis/feedback, helper "distribution"): an open questionnaire on A's activity with a
    # launched version, one invitation (personal link) and a QR code.
    import secrets as _secrets

    from pontis.feedback.models import Invitation as FeedbackInvitation
    from pontis.feedback.models import Questionnaire, QuestionnaireVersion

    fb = Questionnaire.objects.create(title={"en": "Matrix feedback"}, status="open", languages=["en"],
                                      activity=o["activity_a"], open_key="matrix-open-key-" + _secrets.token_hex(8),
                                      created_by=officer)
    QuestionnaireVersion.objects.create(questionnaire=fb, number=1, title=fb.title, languages=["en"], questions=[
        {"key": "overall", "type": "rating", "text": {"en": "Overall?"}, "help": {}, "required": True,
         "criterion": "", "level": "", "pair": "", "phase": "", "choices": []}])
    o["fb_questionnaire"] = fb
    o["fb_invitation"] = FeedbackInvitation.objects.create(questionnaire=fb, token="matrix-" + _secrets.token_hex(16),
                                                           email="invitee@example.org", name="Invitee")

    # Feedback builder (pontis/feedback, helper "builder"): a draft questionnaire on A's activity with one single
    # choice question and two choices (the builder's question and choice pages).
    from pontis.feedback.models import Choice as FeedbackChoice
    from pontis.feedback.models import Question as FeedbackQuestion

    fb_draft = Questionnaire.objects.create(title={"en": "Matrix draft"}, languages=["en"], activity=o["activity_a"],
                                            created_by=officer)
    o["fb_draft"] = fb_draft
    o["fb_question"] = FeedbackQuestion.objects.create(questionnaire=fb_draft, key="again", order=1, type="single",
                                                       text={"en": "Again?"})
    o["fb_choice"] = FeedbackChoice.objects.create(question=o["fb_question"], value="yes", order=1, label={"en": "Yes"})
    FeedbackChoice.objects.create(question=o["fb_question"], value="no", order=2, label={"en": "No"})

    # Notifications: one for the focal point of A, one for the officer.
    o["notification_own"] = Notification.objects.create(recipient=fp_a, subject="For A")
    o["notification_other"] = Notification.objects.create(recipient=officer, subject="For the officer")
    o["role_plain"] = RoleAssignment.objects.create(user=u["plain"], role="observer")

    # The deactivated officer: signed in once (its session cookie is kept), then deactivated.
    u["deactivated"].is_active = False
    u["deactivated"].save(update_fields=["is_active"])
    return w
