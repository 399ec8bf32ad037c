"""The roster journey in a real browser: an expert registers -> the officer vets -> the officer finds and invites
them for an activity -> the expert accepts -> the deployment is evaluated. axe-core scans each page."""

import datetime

from django.utils import timezone

from tests.e2e.conftest import assert_accessible, login

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.give_totp's default secret


def test_expert_registration_to_evaluation(page, live_server, officer):
    from pontis.core.models import Country, ThematicArea
    from pontis.experts.models import Deployment, Evaluation, ExpertProfile, Invitation
    from pontis.experts.services import confirmation_token
    from pontis.experts.tests.factories import make_activity

    today = timezone.localdate()
    activity = make_activity(start=today, end=today + datetime.timedelta(days=1), themes=("legal",), topics=())

    # The expert registers without an account.
    page.goto("/experts/register/")
    assert_accessible(page)
    page.fill("#id_email", "nadia.benali@example.org")
    page.fill("#id_given_name", "Nadia")
    page.fill("#id_family_name", "Benali")
    page.check("input[name=gender][value=female]")
    page.select_option("#id_nationality", str(Country.objects.get(code="MA").pk))
    page.check("input[name=background][value=non_government_organisation]")
    page.check(f"input[name=themes][value='{ThematicArea.objects.get(code='legal').pk}']")
    page.select_option("#id_lang-0-language", label="English")
    page.select_option("#id_lang-0-level", "C1")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Register')")
    assert page.locator("h1").inner_text() == "Check your e-mail"

    # The confirmation link creates the account; the expert chooses a password.
    profile = ExpertProfile.objects.get(email="nadia.benali@example.org")
    page.goto(f"/experts/register/confirm/{confirmation_token(profile)}/")
    assert_accessible(page)
    page.fill("#id_new_password1", "Lantern-river-42")
    page.fill("#id_new_password2", "Lantern-river-42")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Save my password')")
    assert page.locator("h1").inner_text() == "My expert profile"
    page.context.clear_cookies()

    # The officer vets and activates the profile.
    login(page, officer.email, totp_secret=TOTP)
    page.goto(f"/experts/{profile.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("button:has-text('Mark as vetted')")
    with page.expect_navigation():
        page.click("button:has-text('Activate')")
    profile.refresh_from_db()
    assert profile.status == "active"

    # ... finds her among the ranked candidates and invites her.
    page.goto(f"/experts/activities/{activity.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(f"form:has(input[name=profile][value='{profile.pk}']) button:has-text('Invite')").first.click()
    invitation = Invitation.objects.get(profile=profile)

    # The expert accepts in the app (in a browser of her own: the officer stays signed in, since a TOTP code
    # cannot be used twice).
    expert_context = page.context.browser.new_context(base_url=live_server.url)
    expert_page = expert_context.new_page()
    login(expert_page, "nadia.benali@example.org", "Lantern-river-42")
    expert_page.goto(f"/experts/invitations/{invitation.pk}/")
    assert_accessible(expert_page)
    with expert_page.expect_navigation():
        expert_page.click("button:has-text('I accept this invitation')")
    deployment = Deployment.objects.get(profile=profile)
    assert deployment.status == "confirmed"
    expert_context.close()

    # The officer evaluates the deployment.
    page.goto(f"/experts/deployments/{deployment.pk}/evaluate/")
    assert_accessible(page)
    for name, value in (("expertise", "5"), ("communication", "4"), ("adaptation", "4")):
        page.check(f"input[name={name}][value='{value}']")
    with page.expect_navigation():
        page.click("button:has-text('Save the evaluation')")
    assert Evaluation.objects.get(deployment=deployment).expertise == 5


def test_an_expert_adds_a_fifth_language_with_the_add_button(page, live_server, expert_user):
    from pontis.experts.models import ExpertLanguage
    from pontis.experts.tests.factories import make_profile

    profile = make_profile(user=expert_user, email=expert_user.email,
                           languages=(("en", "C2"), ("fr", "C1"), ("es", "B2"), ("pt", "B1")))
    login(page, expert_user.email)
    page.goto("/experts/me/edit/")
    rows = page.locator("[data-formset-rows=lang] .grid")
    assert rows.count() == 5  # four languages and one empty row
    page.click("button[data-formset-add=lang]")
    assert rows.count() == 6
    assert page.locator("#id_lang-TOTAL_FORMS").input_value() == "6"
    assert page.evaluate("document.activeElement.id") == "id_lang-5-language"
    assert_accessible(page)
    page.select_option("#id_lang-4-language", label="Russian")
    page.select_option("#id_lang-4-level", "A2")
    page.select_option("#id_lang-5-language", label="Arabic")
    page.select_option("#id_lang-5-level", "A1")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Save')")
    assert sorted(ExpertLanguage.objects.filter(profile=profile).values_list("language__code", flat=True)) == [
        "ar", "en", "es", "fr", "pt", "ru"]
