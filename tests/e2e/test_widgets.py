"""Form widgets in the browser: a searchable country picker on a phone, in Russian, and the multilingual title
written in a language other than the interface's, with a translation added; axe-core on each page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, login


def test_a_country_is_found_by_typing_its_russian_name_on_a_phone(phone_page, live_server, focal_point):
    from pontis.accounts.models import User

    User.objects.filter(pk=focal_point.pk).update(language="ru")
    login(phone_page, focal_point.email)
    phone_page.goto("/requests/new/")
    picker = phone_page.locator("#id_countries-ts-control")
    expect(picker).to_be_visible()
    assert_no_horizontal_scroll(phone_page)
    picker.click()
    phone_page.keyboard.type("Мекс")
    expect(phone_page.locator(".ts-dropdown .option").first).to_have_text("Мексика")
    phone_page.keyboard.press("Enter")
    phone_page.keyboard.press("Escape")
    expect(phone_page.locator(".ts-wrapper:has(#id_countries-ts-control) .item", has_text="Мексика")).to_be_visible()
    # The form posts the original select, which now holds Mexico.
    from pontis.core.models import Country

    mexico = str(Country.objects.get(code="MX").pk)
    assert mexico in phone_page.locator("select#id_countries").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
    assert_accessible(phone_page)


def test_the_title_is_stored_under_the_language_the_author_writes_in(page, live_server, focal_point):
    from pontis.intake.models import Request

    login(page, focal_point.email)
    page.goto("/requests/new/")
    title = page.get_by_role("group", name="Title of the request")
    # One input shows, in the interface's language, with the choice of the language written in.
    expect(title.locator("input[type=text]:visible")).to_have_count(1)
    expect(title.get_by_label("Language you write this text in")).to_have_value("en")
    title.get_by_label("Language you write this text in").select_option("fr")
    title.locator("input[lang=fr]").fill("Un titre écrit en français")
    title.get_by_label("Add a translation in").select_option("ru")
    title.get_by_role("button", name="Add a translation").click()
    expect(title.locator("input[lang=ru]")).to_be_focused()
    page.keyboard.type("Название по-русски")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    assert Request.objects.get().title == {"fr": "Un titre écrit en français", "ru": "Название по-русски"}
    # Back on the draft, both saved texts show and stay editable; the other languages wait behind "Add".
    title = page.get_by_role("group", name="Title of the request")
    expect(title.locator("input[type=text]:visible")).to_have_count(2)
    expect(title.get_by_label("Français", exact=True)).to_have_value("Un titre écrit en français")
