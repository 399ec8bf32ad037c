"""The fiche editor in the browser: "Add an activity" adds a row at once (no save), "Remove this activity" takes it
away, the grid fits at 1280 and 375 px with readable selects, and the page passes axe-core."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, login

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_add_and_remove_activities_without_saving_then_save(request, live_server, officer, focal_point, institution,
                                                            viewport):
    from pontis.actions import services
    from pontis.actions.tests.factories import fiche_content, make_action

    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content(n_activities=1))
    tab = request.getfixturevalue(viewport)  # 1280 px or 375 px wide
    login(tab, officer.email, totp_secret=TOTP)
    tab.goto(f"/actions/{action.code}/fiche/")
    rows = tab.locator("[data-fiche-rows] [data-fiche-row]")
    assert rows.count() == 1

    # The type select is readable (not squeezed) and the page does not scroll sideways
    assert tab.locator("#act-0-type").bounding_box()["width"] >= 150
    assert_no_horizontal_scroll(tab)
    assert_accessible(tab)

    # "Add an activity" adds a row at once, focused, without leaving the page
    url = tab.url
    tab.get_by_role("button", name="Add an activity").click()
    assert rows.count() == 2 and tab.url == url
    assert tab.evaluate("document.activeElement.id") == "act-1-type"
    assert rows.nth(1).locator("legend").inner_text() == "Activity 2"
    tab.select_option("#act-1-type", "workshop")
    tab.fill("#act-1-title", "Added in the page")
    tab.get_by_role("button", name="Add an activity").click()
    tab.select_option("#act-2-type", "workshop")
    tab.fill("#act-2-title", "Removed again")
    rows.nth(2).get_by_role("button", name="Remove this activity").click()
    assert rows.count() == 2
    assert_no_horizontal_scroll(tab)

    # Saving keeps the added row and not the removed one
    with tab.expect_navigation():
        tab.locator("#fiche-form > button.button:not(.visually-hidden)").last.click()
    draft.refresh_from_db()
    assert [r["title"] for r in draft.activity_rows] == ["Workshop 0", "Added in the page"]
