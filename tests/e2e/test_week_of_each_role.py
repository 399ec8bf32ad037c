"""A week of work for each role, in a real browser, on the demo facility, in English and in Russian.

Each test signs one demo person in (their preferred language set to the language of the run, and the language
cookie too) and walks what that person does in a week, through the links and buttons the pages offer today.
Every page reached is checked the same way (``Week.check``): no server error, ``<html lang>`` is the language of
the run, no serious or critical axe-core violation at 1280 px, and no sideways scrolling at 375 px.

The page checks are collected and reported together at the end of the walk, so one run lists every page that
fails them; a step of the work that does not happen (a link missing, a decision not recorded) stops the test
at once. Assertions use hrefs, form actions and field names, not English words, so they hold in both languages;
where a page's heading is interface text, the Russian run asserts that it is not the English one.

The demo is loaded once per test (the database is flushed between browser tests, see ``conftest``).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.e2e.conftest import DESKTOP, PHONE, accessibility_violations, login
from tests.factories import give_totp

DEMO_PASSWORD = "Pontis-demo-2026"
LANGUAGES = ["en", "ru"]
# The smallest file the upload rules take as a PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)


class Week:
    """One person's browser for the week, and the problems the page checks found on the way."""

    def __init__(self, page, lang, base_url):
        self.page = page
        self.base_url = base_url
        self.lang = lang
        self.problems: list[str] = []
        self.server_errors: list[str] = []
        self.visited: list[str] = []
        page.on("response", lambda r: r.status >= 500 and self.server_errors.append(f"{r.status} {r.url}"))

    # -- signing in -------------------------------------------------------------------------------------------
    def sign_in(self, email: str, *, mfa: bool = False):
        from pontis.accounts.models import User

        person = User.objects.get(email=email)
        person.language = self.lang
        person.save(update_fields=["language"])
        secret = give_totp(person) if mfa else None
        self.page.context.add_cookies([{"name": "django_language", "value": self.lang, "url": self.base_url}])
        login(self.page, email, DEMO_PASSWORD, totp_secret=secret)
        assert "/accounts/" not in self.page.url, f"{email} is not signed in: the browser is on {self.page.url}"
        self.check()
        return person

    # -- moving around ----------------------------------------------------------------------------------------
    def visit(self, path: str, *, status: int = 200):
        response = self.page.goto(path)
        assert response is not None, f"{path}: no answer"
        assert response.status == status, f"[{self.lang}] {path} answered {response.status}, not {status}"
        if status == 200:
            self.check()
        return response

    def follow(self, locator):
        """Click a link (the first match) and check the page it opens."""
        link = locator.first
        link.wait_for()
        with self.page.expect_navigation():
            link.click()
        self.check()

    def press(self, locator):
        """Click a form's submit button (the first match), and check the page that answers."""
        button = locator.first
        button.wait_for()
        with self.page.expect_navigation():
            button.click()
        self.check()

    # -- what every page must be -------------------------------------------------------------------------------
    def check(self):
        page = self.page
        url = page.url
        self.visited.append(url)
        assert not self.server_errors, f"[{self.lang}] server error(s): {self.server_errors}"
        errors = page.locator(".message--error")
        if errors.count():
            self.problems.append(f"[{self.lang}] {url}: error message shown: {errors.first.inner_text()!r}")
        notes = [t.strip() for t in page.locator(".messages .message").all_inner_texts()]
        if len(notes) != len(set(notes)):
            self.problems.append(f"[{self.lang}] {url}: the same message is shown twice: {notes}")
        empty_cards = page.locator("main .card").evaluate_all(
            "cards => cards.filter(c => { const h = c.querySelector('h2, h3');"
            " return h && c.innerText.trim() === h.innerText.trim(); }).map(c => c.querySelector('h2, h3').innerText)"
        )
        if empty_cards:
            self.problems.append(f"[{self.lang}] {url}: empty card(s) with only a heading: {empty_cards}")
        text = page.locator("body").inner_text()
        if any(mark in text for mark in ("{#", "{%", "{{")):
            self.problems.append(f"[{self.lang}] {url}: template code shows on the page")
        html_lang = page.evaluate("document.documentElement.lang")
        if html_lang != self.lang:
            self.problems.append(f"[{self.lang}] {url}: <html lang={html_lang!r}>")
        for violation in accessibility_violations(page):
            targets = "; ".join(", ".join(str(t) for t in node.get("target", [])) for node in violation.get("nodes", [])[:3])
            self.problems.append(
                f"[{self.lang}] {url}: axe [{violation['impact']}] {violation['id']}: {violation['help']} (at {targets})"
            )
        page.set_viewport_size(PHONE)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            self.problems.append(f"[{self.lang}] {url}: at 375 px the content is {widths[0]} px wide (sideways scroll)")
        page.set_viewport_size(DESKTOP)

    def heading_translated(self, english: str):
        """The h1 is interface text: English in the English run, something else in the Russian one."""
        h1 = self.page.locator("main h1, h1").first.inner_text().strip()
        if self.lang == "en":
            assert h1 == english, f"{self.page.url}: h1 is {h1!r}, expected {english!r}"
        elif h1 == english:
            self.problems.append(f"[{self.lang}] {self.page.url}: the h1 {h1!r} is not translated")

    def shows(self, label) -> bool:
        """The page's main text contains ``label`` (a lazy translation) in the language of the run."""
        with translation.override(self.lang):
            text = str(label)
        return text in self.page.locator("main").inner_text()

    def done(self):
        assert not self.server_errors, f"[{self.lang}] server error(s): {self.server_errors}"
        if self.problems:
            pytest.fail(
                f"{len(self.problems)} page problem(s) over {len(self.visited)} pages:\n- " + "\n- ".join(self.problems),
                pytrace=False,
            )


def _task(page, href: str):
    """The link of a task in the home page's "Awaiting me" list."""
    return page.locator(f".task-list a[href='{href}']")


def _submit_in(page, form_selector: str):
    return page.locator(f"{form_selector} [type=submit]")


@pytest.fixture
def week(page, demo, live_server, request):
    return Week(page, request.node.callspec.params["lang"], live_server.url)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_a_programme_officer(week, lang):
    from pontis.intake.models import DelegationConsultation, Request

    page = week.page
    week.sign_in("officer@pontis.example", mfa=True)
    # Monday: the home page leads with the work awaiting the officer.
    week.heading_translated("Welcome, Claire")
    cabo_verde = Request.objects.get(status=Request.Status.SUBMITTED, countries__code="CV")
    belarus = Request.objects.get(status=Request.Status.SUBMITTED, countries__code="BY")
    assert _task(page, f"/requests/{cabo_verde.pk}/").count() == 1, "the submitted request is not in Awaiting me"

    # A submitted request: open it from the task, read its history.
    week.follow(_task(page, f"/requests/{cabo_verde.pk}/"))
    assert page.url.endswith(f"/requests/{cabo_verde.pk}/")
    assert week.shows(Request.Status.SUBMITTED.label), "the request's status is not shown in the page's language"
    history = page.locator("section[aria-labelledby=history-title] [hx-get]").first.get_attribute("hx-get")
    assert history and history.startswith("/history/"), "the request page offers no history"
    week.visit(history)
    history_text = page.locator("main").inner_text()
    assert history_text.strip(), "the history page is empty"
    if re.search(r"\{'|\[\d+(, \d+)*\]", history_text):
        week.problems.append(f"[{lang}] {page.url}: the history shows raw values (a dict or a list of ids)")

    # Ownership: the control to change the owning officer, its form, and saving it.
    week.visit(f"/requests/{cabo_verde.pk}/")
    week.follow(page.locator(f"a[href='/requests/{cabo_verde.pk}/owner/']"))
    week.heading_translated("Owning officer")
    owner = page.locator("select[name=owner]")
    values = [v for v in owner.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    assert values, "no officer to choose as owner"
    owner.select_option(values[0])
    week.press(_submit_in(page, "main form[method=post]"))
    cabo_verde.refresh_from_db()
    assert str(cabo_verde.owner_id) == values[0]

    # Forward it to the steering committee.
    week.visit(f"/requests/{cabo_verde.pk}/")
    week.press(_submit_in(page, f"form[action='/requests/{cabo_verde.pk}/forward/']"))
    cabo_verde.refresh_from_db()
    assert cabo_verde.status == Request.Status.FORWARDED

    # Reject another one: a reason, then a confirmation page that says what will happen, then the rejection.
    week.visit(f"/requests/{belarus.pk}/")
    page.locator("#reject-reason").fill("Outside the facility's mandate for this country at present.")
    week.press(_submit_in(page, f"form[action='/requests/{belarus.pk}/reject/']"))
    week.heading_translated("Reject this request?")
    belarus.refresh_from_db()
    assert belarus.status == Request.Status.SUBMITTED, "the request was rejected without a confirmation"
    assert page.locator("button.button--danger").count() == 1, "the confirmation has no danger button"
    week.press(page.locator("button.button--danger"))
    belarus.refresh_from_db()
    assert belarus.status == Request.Status.REJECTED

    # A Peruvian request: the EU Delegation in Peru is asked for its opinion.
    peru = Request.objects.get(status=Request.Status.SUBMITTED, countries__code="PE")
    week.visit(f"/requests/{peru.pk}/")
    consult = page.locator(f"form[action='/requests/{peru.pk}/consult-delegation/']")
    assert consult.count() == 1, "the officer is not offered to consult the EU Delegation"
    consult.locator("textarea[name=question]").fill("Does this overlap with EU-funded programmes?")
    week.press(consult.locator("[type=submit]"))
    assert DelegationConsultation.objects.filter(request=peru, opinion="").count() == 1

    # Both are done: they have left "Awaiting me".
    week.visit("/")
    assert _task(page, f"/requests/{cabo_verde.pk}/").count() == 0, "a forwarded request is still in Awaiting me"
    assert _task(page, f"/requests/{belarus.pk}/").count() == 0, "a rejected request is still in Awaiting me"

    # "My requests and Actions", then an Action, its fiche, an activity, "Find experts", a candidate.
    week.visit("/actions/mine/")
    week.heading_translated("My requests and Actions")
    week.follow(page.locator("main a[href='/actions/2026-01/']"))
    week.follow(page.locator("main a[href='/actions/2026-01/fiche/']"))
    week.visit("/actions/2026-01/")
    week.follow(page.locator("main a[href^='/actions/2026-01/activities/']:not([href$='/new/'])"))
    activity_id = re.search(r"/activities/(\d+)/$", urlparse(page.url).path).group(1)
    week.follow(page.locator(f"main a[href='/experts/activities/{activity_id}/']"))
    candidates = page.locator("section[aria-labelledby=h-ranked] tbody a[href^='/experts/']")
    assert candidates.count() > 0, "no candidate is ranked for the activity"
    week.follow(candidates)
    assert re.search(r"/experts/\d+/$", page.url)

    # The roster, paged to its end.
    week.visit("/experts/")
    week.heading_translated("Expert roster")
    week.follow(page.locator("a.roster-pages__next"))
    week.follow(page.locator(".roster-pages__list li:last-child a"))
    assert page.locator("a.roster-pages__next").count() == 0, "the roster's last page offers a next page"
    assert page.locator("main table tbody tr, main .roster li").count() > 0, "the roster's last page is empty"

    # News: read, then "Mark all as read".
    week.visit("/notifications/")
    week.heading_translated("News")
    assert page.locator(".news-item--unread").count() > 0, "the officer has no unread news in the demo"
    week.press(_submit_in(page, "form[action='/notifications/read-all/']"))
    assert page.locator(".news-item--unread").count() == 0, "news is still unread after 'Mark all as read'"
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_a_steering_committee_member(week, lang):
    from pontis.actions.models import Action
    from pontis.intake.models import Request

    page = week.page
    week.sign_in("committee@pontis.example", mfa=True)
    forwarded = Request.objects.get(status=Request.Status.FORWARDED, countries__code="ZW")
    # The decisions awaiting the member, then one of them decided.
    assert _task(page, f"/requests/{forwarded.pk}/").count() == 1, "the forwarded request is not in Awaiting me"
    week.follow(_task(page, f"/requests/{forwarded.pk}/"))
    page.locator("#approve-reason").fill("A clear need, endorsed by the ministry.")
    week.press(_submit_in(page, f"form[action='/actions/requests/{forwarded.pk}/approve/']"))
    forwarded.refresh_from_db()
    assert forwarded.status == Request.Status.APPROVED and forwarded.action is not None
    week.visit("/")
    assert _task(page, f"/requests/{forwarded.pk}/").count() == 0, "a decided request is still in Awaiting me"

    # A fiche in draft: the member comments on it.
    draft = Action.objects.get(code="2026-04")
    week.visit(f"/actions/{draft.code}/fiche/")
    comment = page.locator("form:has(input[name=op][value=comment])")
    assert comment.count() == 1, "the committee member is not offered to comment on a draft fiche"
    comment.locator("textarea[name=body]").fill("Please add the border agency as a partner.")
    week.press(comment.locator("[type=submit]"))
    assert page.get_by_text("Please add the border agency as a partner.").count() >= 1
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_a_partner_focal_point(week, lang):
    from pontis.actions.models import FicheVersion
    from pontis.intake.models import Request

    page = week.page
    person = week.sign_in("focal.point@pontis.example")
    # A new request from the home page, filled, its answers checked, submitted.
    week.follow(page.locator("main a[href='/requests/new/']"))
    week.heading_translated("New request for assistance")
    title = f"Case management for returnees ({lang})"
    page.locator("input[name^=title_]:visible").first.fill(title)
    page.locator("input[name=themes]").first.check()
    page.locator("textarea[name=problem]").fill("Returnees get no follow-up once they are back.")
    page.locator("textarea[name=objectives]").fill("A referral mechanism between the services.")
    page.locator("textarea[name=target_groups]").fill("Case workers of the directorate for migration.")
    page.locator("input[name=endorsement_official_name]").fill("Ana Torres")
    page.locator("input[name=endorsement_official_position]").fill("Vice-minister")
    week.press(page.locator("button[name=intent][value=review]"))
    request = Request.objects.filter(**{f"title__{lang}": title}).first() or Request.objects.order_by("-pk").first()
    assert request is not None and request.status == Request.Status.DRAFT and request.title.get(lang) == title, (
        f"the draft does not hold the title under the language it was written in: {request.title}"
    )
    assert page.url.endswith(f"/requests/{request.pk}/check/"), f"not on the check-your-answers page: {page.url}"
    assert page.locator("main .summary-list__row, main dl dt").count() >= 5, "check your answers lists no answers"
    week.press(_submit_in(page, f"form[action='/requests/{request.pk}/submit/']"))
    request.refresh_from_db()
    assert request.status == Request.Status.SUBMITTED
    # Its status, on the request's page.
    week.visit(f"/requests/{request.pk}/")
    assert week.shows(Request.Status.SUBMITTED.label), "the request's status is not shown in the page's language"

    # The Action Fiche to agree, from "Awaiting me".
    week.visit("/")
    week.follow(_task(page, "/actions/2026-02/fiche/"))
    agree = page.locator("form:has(input[name=op][value=partner_agree])")
    assert agree.count() == 1, "the focal point is not offered to agree the fiche"
    week.press(agree.locator("[type=submit]"))
    version = FicheVersion.objects.get(action__code="2026-02", number=1)
    assert version.partner_agreed_on is not None and version.partner_agreed_by == person
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_an_expert(week, lang):
    from pontis.actions.models import ActivityDocument
    from pontis.experts.matching import PARTS
    from pontis.experts.models import Deployment, Invitation

    page = week.page
    week.sign_in("expert@pontis.example")
    # Their own profile, and the invitation on it, accepted.
    week.visit("/experts/me/")
    week.heading_translated("My expert profile")
    week.follow(page.locator("main a[href^='/experts/invitations/']"))
    invitation_id = int(re.search(r"/invitations/(\d+)/", page.url).group(1))
    week.press(_submit_in(page, "form:has(input[name=answer][value=accept])"))
    invitation = Invitation.objects.get(pk=invitation_id)
    assert invitation.status == Invitation.Status.ACCEPTED
    # Having accepted, the expert is not told they fail the availability and rotation criteria.
    week.visit(f"/experts/me/activities/{invitation.activity_id}/criteria/")
    for key in ("availability", "rotation"):
        with translation.override(lang):
            label = str(PARTS[key])
        row = page.locator(".criteria li", has_text=label)
        assert row.count() == 1, f"the criteria page does not list {label!r}"
        if row.locator(".status--warn").count():
            week.problems.append(f"[{lang}] {page.url}: after accepting, the expert reads 'Not met: {label}'")

    # A mission report on the activity they delivered.
    deployment = (
        Deployment.objects.filter(profile__user__email="expert@pontis.example", status__in=("confirmed", "completed"))
        .select_related("activity__action")
        .first()
    )
    assert deployment is not None, "the demo expert is confirmed on no activity"
    activity = deployment.activity
    week.visit(f"/actions/{activity.action.code}/activities/{activity.pk}/")
    upload = page.locator(f"form[action='/actions/{activity.action.code}/activities/{activity.pk}/documents/']")
    assert upload.count() == 1, "the expert is not offered to upload a report on their activity"
    kinds = [v for v in upload.locator("select[name=kind] option").evaluate_all("os => os.map(o => o.value)") if v]
    upload.locator("select[name=kind]").select_option(kinds[0])
    upload.locator("input[type=file]").set_input_files(
        {"name": "mission-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    week.press(upload.locator("[type=submit]"))
    assert ActivityDocument.objects.filter(activity=activity).count() == 1
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_a_donor_observer(week, lang):
    from pontis.accounts.models import User
    from pontis.experts.models import ExpertProfile

    page = week.page
    week.sign_in("observer@pontis.example")
    emails = list(User.objects.values_list("email", flat=True))
    names = [f"{given} {family}" for given, family in ExpertProfile.objects.values_list("given_name", "family_name")]
    # The figures pages the observer's navigation offers; no page names a person.
    nav = [
        h
        for h in page.locator("#main-nav a").evaluate_all("ls => ls.map(a => a.getAttribute('href'))")
        if h and h.startswith("/")
    ]
    assert "/actions/process/" in nav, "the observer's navigation has no process figures"
    for path in nav:
        week.visit(path)
        text = page.locator("main").inner_text()
        leaked = [e for e in emails if e in text] + [n for n in names if n and n in text]
        assert not leaked, f"[{lang}] {path} shows personal data to the observer: {leaked[:5]}"
        assert page.locator("main a[href^='mailto:']").count() == 0, f"{path} shows e-mail links to the observer"
    week.visit("/actions/process/")
    # Pages with personal data stay closed.
    for path in ("/experts/", "/requests/", "/people/"):
        week.visit(path, status=403)
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_an_administrator(week, lang):
    from pontis.accounts.models import RoleAssignment, User
    from pontis.core.models import OutboxEmail

    page = week.page
    week.sign_in("admin@pontis.example", mfa=True)
    # A new person: the form, the account, the invitation e-mail queued.
    week.visit("/people/")
    week.follow(page.locator("main a[href='/people/new/']"))
    week.heading_translated("Add a person")
    email = f"new.colleague.{lang}@pontis.example"
    form = page.locator("main form:has(input[name=email])")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=given_name]").fill("Marta")
    form.locator("input[name=family_name]").fill("Novak")
    form.locator("select[name=language]").select_option(lang)
    week.press(form.locator("[type=submit]"))
    person = User.objects.get(email=email)
    assert page.url.endswith(f"/people/{person.pk}/")
    invitation = OutboxEmail.objects.get(key=f"account-invitation-{person.pk}")
    assert invitation.to == [email] and "/people/welcome/" in invitation.body
    with translation.override(lang):  # written in the new person's language
        assert invitation.subject == translation.gettext("Your Pontis account is ready: choose your password")
    # A role for them.
    grant = page.locator("form:has(select[name=role])")
    grant.locator("select[name=role]").select_option("observer")
    week.press(grant.locator("[type=submit]"))
    assert RoleAssignment.objects.filter(user=person, role="observer").exists()
    week.done()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_week_of_an_eu_delegation(week, lang):
    from pontis.accounts.models import User
    from pontis.intake.models import DelegationConsultation, Request
    from pontis.intake.services import delegation_consult

    page = week.page
    # At screening, the officer asks the Delegation in Peru for its opinion on a Peruvian request.
    peru = Request.objects.get(status=Request.Status.SUBMITTED, countries__code="PE")
    officer = User.objects.get(email="officer@pontis.example")
    consultation = delegation_consult(request=peru, by=officer, question="Does this overlap with EU programmes?")
    week.sign_in("delegation@pontis.example")
    week.follow(_task(page, f"/requests/opinions/{consultation.pk}/"))
    page.locator("textarea[name=opinion]").fill("No overlap; the Delegation supports the request.")
    week.press(_submit_in(page, "main form[method=post]"))
    consultation = DelegationConsultation.objects.get(pk=consultation.pk)
    assert consultation.opinion and not consultation.is_open
    # The request itself, and the Actions of its country.
    week.visit(f"/requests/{peru.pk}/")
    week.visit("/actions/")
    week.visit("/")
    assert _task(page, f"/requests/opinions/{consultation.pk}/").count() == 0, "an answered consultation still awaits"
    week.done()
