"""Knowledge that travels, in a real browser.

An officer publishes a case study from a closed Action in Peru (one step, the partner's agreement recorded) -> a
visitor, without signing in and reading the site in Spanish, finds it from the portal's search box with "trata de
personas" although it is written in English -> a focal point in Cabo Verde sees it suggested under "Similar
elsewhere" on their new request about the referral of trafficking victims. axe-core scans each page; the visitor's
pages are also checked at 375 px. Any 5xx answer fails the test.
"""

from __future__ import annotations

from playwright.sync_api import expect

from pontis.actions.models import Action
from pontis.knowledge.models import LibraryItem
from pontis.knowledge.tests.similar_world import make_past_action, make_request
from pontis.knowledge.thesaurus import clear_cache, load_thesaurus
from tests.e2e.conftest import DESKTOP, assert_accessible, assert_no_horizontal_scroll, login
from tests.factories import InstitutionFactory, user_with_role

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret
TITLE = "Identifying and referring victims of trafficking in Peru"


def _watch(page, errors):
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))


def test_a_case_study_travels_from_a_closed_action_to_a_new_request(browser, live_server, page, phone_page):
    load_thesaurus()  # the browser tests flush every table; the thesaurus is reference data
    clear_cache()
    errors: list[str] = []
    officer = user_with_role("officer")
    action = make_past_action(countries=("PE",), topics=("referral_of_thb_victims",), title=TITLE)
    Action.objects.filter(pk=action.pk).update(
        lessons_learnt="A shared protocol made the referral of victims quicker.",
        final_report="The protocol was adopted by the Ministry of the Interior.")
    institution = InstitutionFactory()
    focal_point = user_with_role("focal_point", institution=institution)
    request = make_request(by=focal_point, institution=institution, countries=("CV",),
                           title="Referral of victims of trafficking in Cabo Verde")

    # 1. The officer publishes the case study from the Action's page, in one step.
    _watch(page, errors)
    login(page, officer.email, totp_secret=TOTP)
    page.goto(f"/actions/{action.code}/")
    # The page fetches "Similar elsewhere" after it is shown; a person reads the page before filling the form.
    page.wait_for_load_state("networkidle")
    panel = page.locator("section", has=page.get_by_role("heading", name="In the library"))
    panel.get_by_label("Agreed to share by (name and role, for the partner)").fill("Director of Migration, Peru")
    panel.get_by_label("Agreed on").fill("2026-10-01")
    panel.get_by_label("Public").check()
    with page.expect_navigation():
        panel.get_by_role("button", name="Publish the case study").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    assert_accessible(page)
    item = LibraryItem.objects.get(kind=LibraryItem.Kind.CASE_STUDY, actions=action)
    assert (item.status, item.visibility, item.partner_agreed_by) == ("published", "public", "Director of Migration, Peru")
    assert "The protocol was adopted" in page.content()

    # 2. A visitor reading in Spanish finds it from the portal, on a phone and on a desktop.
    visitor = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="es-ES")
    try:
        vpage = visitor.new_page()
        _watch(vpage, errors)
        vpage.goto("/portal/")
        assert vpage.locator("html").get_attribute("lang") == "es"
        assert_accessible(vpage)
        vpage.get_by_role("searchbox").first.fill("trata de personas")
        with vpage.expect_navigation():
            vpage.locator("form.portal-search button[type=submit]").click()
        result = vpage.get_by_role("link", name=TITLE)
        expect(result.first).to_be_visible()
        assert_accessible(vpage)
        phone_page.context.add_cookies(visitor.cookies())
        phone_page.goto(vpage.url)
        expect(phone_page.get_by_role("link", name=TITLE).first).to_be_visible()
        assert_no_horizontal_scroll(phone_page)
        with vpage.expect_navigation():
            result.first.click()
        expect(vpage.locator("h1")).to_contain_text(TITLE)
        assert_accessible(vpage)
    finally:
        visitor.close()

    # 3. The focal point in Cabo Verde sees it suggested on the new request, with the reasons.
    fp = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    try:
        fpage = fp.new_page()
        _watch(fpage, errors)
        login(fpage, focal_point.email)
        fpage.goto(f"/requests/{request.pk}/")
        similar = fpage.locator("section", has=fpage.get_by_role("heading", name="Similar elsewhere"))
        expect(similar.get_by_role("link", name=TITLE)).to_be_visible()
        expect(similar).to_contain_text("Peru")
        # Staff-only controls are not offered to the focal point.
        expect(similar.get_by_role("button", name="Pin")).to_have_count(0)
        assert_accessible(fpage)
    finally:
        fp.close()
    assert errors == []
