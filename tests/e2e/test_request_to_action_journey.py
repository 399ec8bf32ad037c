"""Issue 3's journey in a real browser, from a partner's request to a closed Action.

A partner focal point writes and submits a request (endorsed by a senior official) -> a programme officer
(signed in with the real TOTP step) screens it and forwards it -> a steering committee member approves it, which
creates the Action -> the officer drafts the Action Fiche, the focal point agrees, the officer records the
agreement (version 1) -> the activity is confirmed, delivered and reported, a deliverable registered -> the
officer closes the Action (final report, lessons learnt, the ten-features self-assessment).

Each person works in a browser context of their own (a TOTP code cannot be used twice, so a staff member
signs in once). axe-core scans every page visited, including each page a form answers with; most are also
opened at 375 px in ``phone_page`` (with the cookies of the person who saw them) to check that nothing scrolls
sideways. Any 5xx answer fails the test.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, DESKTOP, assert_accessible, assert_no_horizontal_scroll, login

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret
TITLE_EN = "Strengthening the return and reintegration system"
TITLE_FR = "Renforcer le système de retour et de réintégration"


class Journey:
    """The browsers of the people in the journey, a 375 px phone, and every server error seen on the way."""

    def __init__(self, browser, live_server, phone_page):
        self.browser = browser
        self.live_server = live_server
        self.phone = phone_page
        self.server_errors: list[str] = []
        self._contexts = []
        self._watch(phone_page)

    def _watch(self, page):
        page.on("response", lambda r: r.status >= 500 and self.server_errors.append(f"{r.status} {r.url}"))

    def person(self, page, email, totp=None):
        """Sign ``email`` in, in ``page`` or (``page=None``) in a fresh desktop browser context."""
        if page is None:
            context = self.browser.new_context(viewport=DESKTOP, base_url=self.live_server.url, locale="en-GB")
            context.set_default_timeout(DEFAULT_TIMEOUT_MS)
            self._contexts.append(context)
            page = context.new_page()
        self._watch(page)
        login(page, email, totp_secret=totp)
        return page

    def visit(self, page, path, *, phone=True):
        """Open ``path``, scan it with axe-core, and (``phone``) check it at 375 px as the same person."""
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        self.check(page, phone=phone)

    def check(self, page, *, phone=True):
        """axe-core on the page ``page`` shows now; the same URL on the phone, signed in as the same person."""
        assert_accessible(page)
        if phone:
            self.phone.context.clear_cookies()
            self.phone.context.add_cookies(page.context.cookies())
            response = self.phone.goto(page.url)
            assert response.status == 200, f"{page.url} answered {response.status} on the phone"
            assert_no_horizontal_scroll(self.phone)
            assert_accessible(self.phone)

    def submit(self, page, button_name, *, phone=False, exact=None):
        """Click a button by its accessible name; the page that answers shows no error and is checked."""
        with page.expect_navigation():
            page.get_by_role("button", name=button_name, exact=exact).click()
        assert self.server_errors == []
        expect(page.locator(".message--error")).to_have_count(0)
        self.check(page, phone=phone)

    def follow(self, page, link_name, *, phone=True):
        """Follow a link by its accessible name, then check the page it opens."""
        with page.expect_navigation():
            page.get_by_role("link", name=link_name).first.click()
        self.check(page, phone=phone)

    def close(self):
        for context in self._contexts:
            context.close()


def test_request_to_closed_action(browser, live_server, page, phone_page, focal_point, institution, officer, committee_member):
    from pontis.actions.models import Action, Activity, Deliverable, FicheVersion
    from pontis.core.models import GoodPracticeFeature
    from pontis.intake.models import Request

    journey = Journey(browser, live_server, phone_page)
    today = timezone.localdate().isoformat()
    try:
        # -- The partner's focal point writes the request (its title in two languages) and saves a draft ...
        partner = journey.person(page, focal_point.email)
        journey.visit(partner, "/requests/new/")
        expect(partner.get_by_role("heading", level=1)).to_have_text("New request for assistance")
        title = partner.get_by_role("group", name="Title of the request")
        title.get_by_label("English", exact=True).fill(TITLE_EN)  # the interface's language, shown first
        title.get_by_label("Add a translation in").select_option("fr")
        title.get_by_role("button", name="Add a translation").click()
        title.get_by_label("Français", exact=True).fill(TITLE_FR)
        expect(partner.locator("select#id_institutions")).to_have_values([str(institution.pk)])
        partner.get_by_label("Migration and Development").check()
        partner.get_by_label("The problem").fill("Returnees get no follow-up once they are back; services do not share data.")
        partner.get_by_label("What you want to achieve").fill("A referral mechanism between the services that receive returnees.")
        partner.get_by_label("Target groups").fill("Case workers of the directorate for migration (about 30).")
        journey.submit(partner, "Save draft", phone=True)
        # ... comes back to the draft later, where the page says what is still missing, and completes it.
        expect(partner.get_by_role("heading", level=1)).to_have_text("Edit the request")
        expect(partner.get_by_role("heading", name="Before you can submit")).to_be_visible()
        expect(title.get_by_label("Français", exact=True)).to_have_value(TITLE_FR)
        partner.get_by_label("Name of the senior official endorsing the request").fill("Maria Tavares")
        partner.get_by_label("Position of the senior official").fill("Secretary of State for Internal Administration")
        journey.submit(partner, "Continue to check your answers", phone=True)
        journey.submit(partner, "Submit the request", phone=True)
        request = Request.objects.get()
        assert request.status == Request.Status.SUBMITTED
        assert request.title == {"en": TITLE_EN, "fr": TITLE_FR}
        assert request.has_endorsement and request.eligible
        expect(partner.get_by_role("heading", level=1)).to_have_text(TITLE_EN)

        # -- The programme officer screens it and forwards it to the steering committee.
        staff = journey.person(None, officer.email, totp=TOTP)
        journey.visit(staff, f"/requests/{request.pk}/")
        expect(staff.get_by_role("heading", name="Eligibility")).to_be_visible()
        staff.get_by_label("Internal note (not shown to the requester)").fill("Eligible; no overlap with other Actions.")
        journey.submit(staff, "Add the note")
        journey.submit(staff, "Forward to the steering committee")
        request.refresh_from_db()
        assert request.status == Request.Status.FORWARDED

        # -- A member of the steering committee approves it: the Action is created.
        committee = journey.person(None, committee_member.email, totp=TOTP)
        journey.visit(committee, f"/requests/{request.pk}/")
        committee.get_by_label("Comment on the approval (optional)").fill("A clear need, well endorsed.")
        journey.submit(committee, "Approve and create the Action", phone=True)
        request.refresh_from_db()
        assert request.status == Request.Status.APPROVED
        action = Action.objects.get()
        assert request.action == action and action.status == Action.Status.DESIGN
        expect(committee.get_by_role("link", name="Open the Action")).to_be_visible()

        # -- The focal point sees the decision and the new Action.
        journey.visit(partner, f"/requests/{request.pk}/")
        journey.follow(partner, "Open the Action")
        expect(partner.get_by_role("heading", level=1)).to_contain_text(action.code)

        # -- The officer drafts the Action Fiche.
        journey.visit(staff, f"/actions/{action.code}/")
        journey.follow(staff, "Open the Action Fiche")
        staff.get_by_label("Context", exact=True).fill("Returnees are received by three services that do not talk.")
        staff.get_by_label("Overall objective").fill("Returnees are referred to the services they need.")
        staff.get_by_label("Specific objectives").fill("Agree a referral protocol; train the case workers.")
        # Each activity of the editor is a group of fields ("Activity 1"); a new draft opens with one empty row.
        activity = staff.get_by_role("group", name="Activity 1")
        activity.get_by_label("Type", exact=True).select_option(label="Workshop")
        activity.get_by_label("Title", exact=True).fill("Referral protocol workshop")
        activity.get_by_label("Start date").fill(today)
        activity.get_by_label("End date").fill(today)
        activity.get_by_label("Place").fill("Praia")
        activity.get_by_label("Expected participants").fill("30")
        journey.submit(staff, "Save the draft", phone=True)
        version = FicheVersion.objects.get(action=action, number=1)
        assert version.section("overall_objective") and len(version.activity_rows) == 1

        # -- The focal point reads the draft and agrees.
        journey.visit(partner, f"/actions/{action.code}/fiche/")
        expect(partner.get_by_text("Referral protocol workshop")).to_be_visible()
        journey.submit(partner, "We agree with this draft")

        # -- The officer records the agreement: version 1 is agreed, the Action is ongoing.
        journey.visit(staff, f"/actions/{action.code}/fiche/", phone=False)
        journey.submit(staff, "Record the agreement of this version", phone=True)
        version.refresh_from_db()
        action.refresh_from_db()
        assert version.status == FicheVersion.Status.AGREED and version.agreed_by == officer
        assert action.status == Action.Status.ONGOING and action.fiche_agreed_on is not None

        # -- The activity made from the fiche: confirmed, delivered, reported.
        journey.visit(staff, f"/actions/{action.code}/")
        journey.follow(staff, re.compile("Referral protocol workshop"))
        activity = Activity.objects.get(action=action)
        activity_title = staff.get_by_role("group", name="Title")
        activity_title.get_by_label("Add a translation in").select_option("fr")
        activity_title.get_by_role("button", name="Add a translation").click()
        activity_title.get_by_label("Français", exact=True).fill("Atelier sur le protocole d'orientation")
        journey.submit(staff, "Save", exact=True)
        activity.refresh_from_db()
        assert activity.title == {"en": "Referral protocol workshop", "fr": "Atelier sur le protocole d'orientation"}
        journey.submit(staff, "Confirm the activity")
        staff.get_by_label("Delivered on").fill(today)
        journey.submit(staff, "Mark as delivered", phone=True)
        staff.get_by_label("What happened").fill("Thirty case workers drafted the referral protocol together.")
        staff.get_by_label(re.compile(r"^Women:?$")).fill("17")
        staff.get_by_label(re.compile(r"^Men:?$")).fill("13")
        staff.get_by_label("Participants by institution").fill(f"{institution.acronym}: 30")
        journey.submit(staff, "Save the report", phone=True)
        activity.refresh_from_db()
        assert activity.status == Activity.Status.REPORTED and activity.participants_total == 30

        # -- A deliverable of the activity, its title in two languages.
        journey.visit(staff, f"/actions/{action.code}/deliverables/new/")
        staff.get_by_label("Type").select_option(label="Operational protocol")
        deliverable_title = staff.get_by_role("group", name="Title")
        deliverable_title.get_by_label("English", exact=True).fill("Referral protocol for returnees")
        deliverable_title.get_by_label("Add a translation in").select_option("pt")
        deliverable_title.get_by_role("button", name="Add a translation").click()
        deliverable_title.get_by_label("Português", exact=True).fill("Protocolo de encaminhamento de retornados")
        staff.get_by_label("Activity").select_option(str(activity.pk))
        journey.submit(staff, "Save", exact=True, phone=True)
        deliverable = Deliverable.objects.get(action=action)
        assert deliverable.title == {"en": "Referral protocol for returnees", "pt": "Protocolo de encaminhamento de retornados"}
        expect(staff.get_by_role("heading", level=1)).to_have_text("Referral protocol for returnees")

        # -- The officer closes the Action.
        journey.visit(staff, f"/actions/{action.code}/")
        journey.follow(staff, "Close the Action")
        staff.get_by_label("Final report").fill("The referral protocol was drafted and adopted by the three services.")
        staff.get_by_label("Lessons learnt").fill("Bring the three services together from the first mission.")
        features = list(GoodPracticeFeature.objects.filter(is_active=True).order_by("number"))
        assert len(features) == 10
        for feature in features:
            staff.get_by_label(f"{feature.number}. {feature}", exact=True).select_option("4")
        journey.submit(staff, "Close the Action", phone=False)  # the confirmation page: what closing means
        journey.submit(staff, "Close the Action", phone=True)
        action.refresh_from_db()
        assert action.status == Action.Status.COMPLETED and action.self_assessment.count() == 10
        expect(staff.get_by_role("heading", name="Closure")).to_be_visible()

        # -- The focal point sees the closed Action.
        journey.visit(partner, f"/actions/{action.code}/")
        expect(partner.get_by_role("heading", name="Closure")).to_be_visible()

        assert journey.server_errors == []
    finally:
        journey.close()
