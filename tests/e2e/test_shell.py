"""The shell in a real browser: sign in per role (with the real TOTP step), home pages, language switch,
375 px phones, the 404 page, and an axe-core scan of every page visited."""

import pytest

from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, login
from tests.factories import give_totp, user_with_role

ROLES_WITH_MFA = ["admin", "officer", "committee"]
ROLES_WITHOUT_MFA = ["focal_point", "expert", "observer"]


def test_landing_page_for_a_visitor(page):
    response = page.goto("/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Peer expertise on migration, on request"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_sign_in_page_is_accessible(page):
    response = page.goto("/accounts/login/")

    assert response.status == 200
    assert page.locator("input[name=login]").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_fit_a_375_px_phone(phone_page, path):
    phone_page.goto(path)

    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)


@pytest.mark.parametrize("role", ROLES_WITH_MFA)
def test_mfa_roles_sign_in_with_a_totp_code_and_see_their_home(page, live_server, role):
    person = user_with_role(role, mfa=False, given_name="Amara")
    secret = give_totp(person)

    login(page, person.email, totp_secret=secret)

    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == "Welcome, Amara"
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)


def test_the_totp_step_refuses_a_wrong_code(page):
    person = user_with_role("officer", mfa=False)
    give_totp(person)

    login(page, person.email)
    page.fill("input[name=code]", "000000")
    page.locator("form:has(input[name=code]) [type=submit]").first.click()
    page.wait_for_load_state()

    assert "/accounts/2fa/authenticate/" in page.url
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert_accessible(page)


@pytest.mark.parametrize("role", ROLES_WITHOUT_MFA)
def test_other_roles_sign_in_with_a_password_and_see_their_home(page, role):
    person = user_with_role(role, given_name="Bongani")

    login(page, person.email)

    assert page.locator("h1").inner_text() == "Welcome, Bongani"
    assert_accessible(page)


def test_home_fits_a_phone_for_a_focal_point(phone_page):
    person = user_with_role("focal_point", given_name="Lucía")

    login(phone_page, person.email)

    assert phone_page.locator("h1").inner_text() == "Welcome, Lucía"
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)


def test_switching_to_french_and_back(page):
    person = user_with_role("expert", given_name="Irina")
    login(page, person.email)

    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#lang-select").input_value() == "fr"
    assert_accessible(page)

    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Welcome, Irina"


def test_switching_language_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/")
        page.select_option("#lang-select", "fr")
        with page.expect_navigation():
            page.locator("form.lang-switch [type=submit]").click()
        assert page.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()


def test_the_404_page(page):
    response = page.goto("/there-is-no-such-page/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)
