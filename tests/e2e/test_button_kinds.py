"""Buttons look like what they do (GOV.UK): primary for the main step, secondary grey, warning red.

A CSS rule (``button.button``) once beat ``.button--secondary`` and ``.button--danger`` and made every button
primary blue, Reject and Anonymise included: these tests read the colours the browser computes.
"""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret
PRIMARY = "rgb(11, 79, 138)"  # --brand
SECONDARY = "rgb(232, 234, 237)"
DANGER = "rgb(164, 38, 44)"  # --danger


def _background(locator):
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_danger_secondary_and_primary_buttons_and_the_confirmation_page(page, officer):
    from pontis.experts.models import ExpertProfile
    from pontis.experts.tests.factories import make_profile

    profile = make_profile(status="registered", given_name="Zuleika", family_name="Oyelaran")
    login(page, officer.email, totp_secret=TOTP)

    page.goto(f"/experts/{profile.pk}/")
    anonymise = page.get_by_role("button", name="Anonymise this profile")
    assert _background(anonymise) == DANGER
    assert anonymise.evaluate("element => getComputedStyle(element).color") == "rgb(255, 255, 255)"
    primary = page.locator("main form button.button:not(.button--danger):not(.button--secondary)").first
    assert _background(primary) == PRIMARY

    page.goto("/experts/")
    search = page.locator("form[role=search] button.button--secondary").first
    assert _background(search) == SECONDARY

    # The irreversible step asks first, on a page that says what will happen, with a red button.
    page.goto(f"/experts/{profile.pk}/")
    with page.expect_navigation():
        anonymise.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymise this expert?")
    confirm = page.get_by_role("button", name="Anonymise the expert")
    assert _background(confirm) == DANGER
    assert_accessible(page)
    assert ExpertProfile.objects.get(pk=profile.pk).anonymised_at is None
    with page.expect_navigation():
        page.get_by_role("link", name="Cancel").click()
    assert page.url.endswith(f"/experts/{profile.pk}/")
    assert ExpertProfile.objects.get(pk=profile.pk).anonymised_at is None


def test_error_summary_is_focused_and_links_to_the_field(page):
    page.goto("/experts/register/")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    summary.locator("a[href='#id_given_name']").click()
    expect(page.locator("#id_given_name")).to_be_focused()
    assert_accessible(page)
