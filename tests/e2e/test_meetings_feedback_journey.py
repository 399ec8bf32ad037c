"""Meetings and feedback, in a real browser (issue 11).

An officer builds a meeting with an agenda (a session and a speaker's contribution) and a members-only
presentation -> a participant without an account registers from the meeting's page -> the officer approves the
registration and marks the attendance of the first day -> the participant answers the feedback questionnaire
through their personal link, on a phone-sized screen, in Russian -> the officer sees the indicators on the review
page. axe-core scans the pages; the participant's pages are checked at 375 px. Any 5xx answer fails the test.

Set up outside the browser (the officer's builder pages are tested on their own): the questionnaire (an open,
anonymous one in English and Russian, for the meeting) and four other respondents' answers through the same
service as the form, so that the review shows figures (fewer than five respondents are suppressed for officers).
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from playwright.sync_api import expect

from pontis.core.models import Country
from pontis.events.models import Attendance, Material, Meeting, Registration
from pontis.feedback.models import Answer, Invitation, Questionnaire, QuestionnaireVersion, Response
from pontis.feedback.services import invitations as invitation_services
from pontis.feedback.services import responses as response_services
from tests.e2e.conftest import PHONE, assert_accessible, assert_no_horizontal_scroll, login
from tests.factories import user_with_role

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret
TITLE = "Regional workshop on asylum procedures"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"


def _watch(page, errors):
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))


def _questions() -> list[dict]:
    def q(key, type_, en, ru, **extra):
        return {"key": key, "type": type_, "text": {"en": en, "ru": ru}, "help": {}, "required": True,
                "criterion": extra.get("criterion", ""), "level": extra.get("level", ""), "pair": "", "phase": "",
                "choices": []}

    return [
        q("relevance", "rating", "How relevant was the workshop?", "Насколько встреча была актуальна?",
          criterion="relevance", level="reaction"),
        q("organisation", "rating", "How well was it organised?", "Как была организована встреча?",
          level="reaction"),
        q("comment", "text", "What would you change?", "Что бы вы изменили?"),
    ]


def _questionnaire(meeting, officer) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        title={"en": "Workshop feedback", "ru": "Анкета участника встречи"}, purpose="participant",
        anonymity="anonymous", languages=["en", "ru"], status="open", meeting=meeting, created_by=officer)
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1, questions=_questions(),
                                        title=questionnaire.title, languages=["en", "ru"], launched_by=officer)
    return questionnaire


def test_a_meeting_from_its_agenda_to_its_feedback_indicators(browser, live_server, page):
    errors: list[str] = []
    officer = user_with_role("officer")
    user_with_role("focal_point")  # a signed-in member exists: the presentation is for members
    first_day = timezone.localdate() - datetime.timedelta(days=1)

    # 1. The officer creates the meeting, adds a session with a contribution and a members-only presentation.
    _watch(page, errors)
    login(page, officer.email, totp_secret=TOTP)
    page.goto("/events/new/")
    page.select_option("[name=kind]", "workshop")
    page.locator("[name=title_en]").fill(TITLE)
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Last day").fill(first_day.isoformat())
    page.select_option("[name=time_zone]", "Europe/Brussels")
    page.locator("[name=city]").fill("Chisinau")
    page.select_option("[name=registration]", "open")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the meeting").click()
    meeting = Meeting.objects.get(title__en=TITLE)
    assert (meeting.kind, meeting.registration, meeting.start_date) == ("workshop", "open", first_day)
    # Open to the public (the participant registers without an account), on the meeting's protection page; the
    # presentation below stays for members.
    page.goto(f"/events/{meeting.slug}/access/")
    page.locator("input[name=access][value=public]").check()
    page.locator("input[name=restricted_display][value=list]").check()
    page.locator("[name=restricted_reason]").fill("Presentations are for the facility's members")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    meeting.refresh_from_db()
    assert meeting.access == "public"
    assert_accessible(page)

    page.goto(f"/events/{meeting.slug}/agenda/sessions/new/")
    page.select_option("[name=kind]", "session")
    page.locator("[name=number]").fill("1")
    page.locator("[name=title_en]").fill("National asylum systems")
    page.get_by_label("Day").fill(first_day.isoformat())
    page.locator("[name=moderator]").fill("Ana Popescu")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    session = meeting.sessions.get()
    page.goto(f"/events/{meeting.slug}/agenda/sessions/{session.pk}/contributions/new/")
    page.locator("[name=speaker_name]").fill("Ion Rusu")
    page.locator("[name=speaker_role]").fill("Bureau for Migration and Asylum")
    page.locator("[name=title_en]").fill("Reception capacity in 2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert session.contributions.get().speaker_name == "Ion Rusu"

    page.goto(f"/events/{meeting.slug}/materials/new/")
    page.locator("[name=title_en]").fill("Reception capacity slides")
    page.locator("input[name=access][value=members]").check()
    page.set_input_files("input[name=file]", files=[{"name": "slides.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    material = Material.objects.get(meeting=meeting)
    assert material.access == "members"
    page.goto(f"/events/{meeting.slug}/")
    expect(page.locator("h1")).to_contain_text(TITLE)
    contribution = session.contributions.get()
    expect(page.locator(f"#contribution-{contribution.pk}")).to_contain_text("Ion Rusu")  # the staff's agenda editor
    assert_accessible(page)

    # 2. A participant without an account registers from a phone; they do not see the members' presentation.
    # The registration and answer pages post forms: they must not send ``Referrer-Policy: no-referrer`` (header
    # or <meta>), with which browsers send ``Origin: null`` on the POST and Django's CSRF check answers 403;
    # ``same-origin`` keeps the personal link from leaking to other sites and keeps the Origin.
    participant = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="ru-RU")
    try:
        ppage = participant.new_page()
        _watch(ppage, errors)
        ppage.goto(f"/events/{meeting.slug}/")
        expect(ppage.get_by_role("link", name="Reception capacity slides")).to_have_count(0)
        ppage.goto(f"/events/{meeting.slug}/register/")
        ppage.locator("[name=name]").fill("Мария Иванова")
        ppage.locator("[name=email]").fill("maria@example.org")
        ppage.locator("input[name=gender][value=woman]").check()
        ppage.locator("[name=institution_name]").fill("Министерство внутренних дел")
        ppage.select_option("[name=country]", str(Country.objects.get(code="MD").pk))
        with ppage.expect_navigation():
            ppage.locator("form button[type=submit]").last.click()
        assert_no_horizontal_scroll(ppage)
        registration = Registration.objects.get(meeting=meeting, email="maria@example.org")
        assert (registration.status, registration.gender) == ("pending", "woman")

        # 3. The officer approves the registration and checks the participant in on the first day.
        page.goto(f"/events/{meeting.slug}/registrations/")
        with page.expect_navigation():
            page.locator(f"button[formaction$='/registrations/{registration.pk}/decide/'][value=approve]").click()
        registration.refresh_from_db()
        assert registration.status == "approved"
        page.goto(f"/events/{meeting.slug}/attendance/{first_day.isoformat()}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Check in Мария Иванова").click()
        assert Attendance.objects.filter(registration=registration, day=first_day).count() == 1
        assert_accessible(page)

        # 4. The participant answers through their personal link, on the phone, in Russian.
        questionnaire = _questionnaire(meeting, officer)
        [invitation] = invitation_services.invitations_create(
            questionnaire=questionnaire, by=officer,
            people=[{"name": "Мария Иванова", "email": "maria@example.org", "language": "ru"}])
        ppage.goto(f"/feedback/r/{invitation.token}/")
        assert ppage.locator("html").get_attribute("lang") == "ru"
        expect(ppage.get_by_text("Насколько встреча была актуальна?")).to_be_visible()
        assert_no_horizontal_scroll(ppage)
        ppage.locator("input[name='q-relevance'][value='5']").check()
        ppage.locator("input[name='q-organisation'][value='4']").check()
        ppage.locator("[name='q-comment']").fill("Больше времени на вопросы.")
        with ppage.expect_navigation():
            ppage.locator("button[name=action][value=submit]").click()
        assert_no_horizontal_scroll(ppage)
        assert_accessible(ppage)
        response = Response.objects.get(questionnaire=questionnaire)
        assert response.language == "ru"
        assert response.invitation_id is None  # anonymous: who answered is kept apart from the answers
        assert dict(Answer.objects.filter(response=response, type="rating").values_list("key", "number")) == {
            "relevance": 5, "organisation": 4}
        invitation.refresh_from_db()
        assert invitation.answered_at is not None
        # A second tap on the same link stores nothing new.
        ppage.goto(f"/feedback/r/{invitation.token}/")
        assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    finally:
        participant.close()

    # Four more respondents (the review suppresses figures behind fewer than five), through the form's service.
    others = invitation_services.invitations_create(
        questionnaire=questionnaire, by=officer,
        people=[{"name": f"Participant {k}", "email": f"p{k}@example.org", "language": "en"} for k in range(4)])
    for k, other in enumerate(others):
        response_services.response_submit(token=other.token, client_id=uuid.uuid4(), channel="link",
                                          answers={"relevance": 4 + k % 2, "organisation": 2 + k, "comment": "ok"})
    assert Invitation.objects.filter(questionnaire=questionnaire, answered_at__isnull=False).count() == 5

    # 5. The officer sees the indicators of the period on the review page.
    part = f"q{(first_day.month - 1) // 3 + 1}"
    page.goto(f"/feedback/review/?year={first_day.year}&part={part}")
    table = page.locator("table", has=page.get_by_text("Figures and the counts behind them"))
    expect(table).to_be_visible()
    expect(table).to_contain_text("Satisfaction")
    assert_accessible(page)
    assert errors == []
