"""The public portal in the browser: a visitor on a phone reads the portal, the list and an Action's page (also in
Russian, with hostile text) without signing in; an officer publishes an Action from its page, with confirmation."""

from __future__ import annotations

from pontis.knowledge.models import PublishedAction
from pontis.knowledge.tests.portal_factories import library_item, publish_action
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, login

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret
HOSTILE = "<script>alert(1)</script>" + "Protocolo" * 30


def test_a_visitor_reads_the_portal_on_a_phone(phone_page, officer):
    pa = publish_action(officer, countries=("CV", "SN"), title={"en": HOSTILE, "ru": "Пограничные протоколы"},
                        summary={"en": "A summary.", "ru": "Резюме."})
    library_item(title={"en": "Case study of Cabo Verde"}, actions=[pa.action])
    page = phone_page

    for path in ("/portal/", "/portal/actions/"):
        page.goto(path)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
    page.locator("main .portal-card a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("<script>")
    assert "Case study of Cabo Verde" in page.content()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.goto(f"/portal/actions/{pa.slug}/?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Пограничные протоколы"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_an_officer_publishes_an_action_from_its_page(page, officer):
    action = publish_action(officer, published=False).action
    PublishedAction.objects.filter(action=action).delete()
    login(page, officer.email, totp_secret=TOTP)

    page.goto(f"/actions/{action.code}/")
    page.get_by_role("link", name="Prepare its public page").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.fill("textarea[name=summary_en]", "What the Action did, for the public.")
    page.fill("input[name=partner_agreed_by]", "Director, Ministry of the Interior")
    page.fill("input[name=partner_agreed_on]", "2024-02-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish on the portal").click()
    page.wait_for_load_state()
    assert_accessible(page)  # the confirmation page
    page.locator("form [type=submit]", has_text="Publish on the portal").last.click()
    page.wait_for_load_state()

    assert PublishedAction.objects.get(action=action).is_published
    page.get_by_role("link", name="Open the public page").first.click()
    page.wait_for_load_state()
    assert "What the Action did, for the public." in page.content()
