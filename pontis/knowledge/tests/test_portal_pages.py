"""The portal's pages: only published Actions, only the parts the partner agreed to, titles and descriptions,
five languages, flat query counts, and the staff form that publishes an Action."""

import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from pontis.actions.models import Action
from pontis.core.models import Region
from pontis.knowledge import portal
from pontis.knowledge.models import LibraryItem, PublishedAction
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .portal_factories import library_item, publish_action

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _page(url):
    return reverse("portal:action", args=[url]) if not url.startswith("/") else url


@pytest.fixture
def partner_action(officer):
    institution = InstitutionFactory(acronym="DGM")
    focal = user_with_role("focal_point", institution=institution, given_name="Zacarias", family_name="Quispe")
    pa = publish_action(officer, institution=institution, focal_point=focal, title={"en": "Border protocols"})
    Action.objects.filter(pk=pa.action_id).update(final_report="INTERNAL-REPORT", lessons_learnt="INTERNAL-LESSONS")
    return pa


def test_anonymous_visitors_see_published_actions_only(client, officer):
    shown = publish_action(officer, title={"en": "Shown Action"})
    hidden = publish_action(officer, published=False, title={"en": "Hidden Action"})
    withdrawn = publish_action(officer, title={"en": "Withdrawn Action"})
    portal.published_action_unpublish(published=withdrawn, by=officer)

    listing = client.get(reverse("portal:actions")).content.decode()
    home = client.get(reverse("portal:home")).content.decode()

    for page in (listing, home):
        assert "Shown Action" in page and "Hidden Action" not in page and "Withdrawn Action" not in page
    assert client.get(_page(shown.slug)).status_code == 200
    assert client.get(_page(hidden.slug)).status_code == 404
    assert client.get(_page(withdrawn.slug)).status_code == 404
    assert client.get(_page("no-such-action")).status_code == 404


@pytest.mark.parametrize("role", ["focal_point", "expert", "observer", "committee"])
def test_signed_in_people_who_are_not_staff_do_not_see_unpublished_actions(client, officer, role):
    hidden = publish_action(officer, published=False)
    client.force_login(user_with_role(role))

    assert client.get(_page(hidden.slug)).status_code == 404


def test_staff_preview_an_unpublished_action(client, officer):
    hidden = publish_action(officer, published=False)
    client.force_login(officer)

    page = client.get(_page(hidden.slug)).content.decode()

    assert "Preview: this Action is not shown on the public portal." in page
    assert hidden.slug not in client.get(reverse("portal:actions")).content.decode()


def test_the_action_page_shows_what_the_partner_agreed_to(client, partner_action):
    page = client.get(_page(partner_action.slug)).content.decode()

    assert "Border protocols" in page and "A public summary of the Action." in page and "Two protocols adopted." in page
    assert "Cabo Verde" in page or "Cape Verde" in page
    assert "DGM" in page  # the partner institution, agreed
    assert "Praia" in page and "Workshop" in page  # the activities, agreed
    for internal in ("Zacarias", "Quispe", "INTERNAL-REPORT", "INTERNAL-LESSONS", "Workshop 0",
                     "Ministry of the Interior, Director General"):
        assert internal not in page


def test_partners_and_activities_stay_hidden_unless_agreed(client, partner_action, officer):
    portal.published_action_save(action=partner_action.action, by=officer, slug=partner_action.slug,
                                 summary=partner_action.summary, results=partner_action.results,
                                 show_partners=False, show_activities=False,
                                 partner_agreed_by=partner_action.partner_agreed_by,
                                 partner_agreed_on=partner_action.partner_agreed_on)

    page = client.get(_page(partner_action.slug)).content.decode()

    assert "DGM" not in page and "Praia" not in page
    assert "Border protocols" in page


def test_only_library_items_the_reader_may_see_are_linked(client, officer):
    pa = publish_action(officer)
    library_item(title={"en": "Public case study"}, actions=[pa.action])
    library_item(title={"en": "Members handbook"}, kind=LibraryItem.Kind.SHARED_DELIVERABLE, visibility="members",
                 actions=[pa.action])
    library_item(title={"en": "Staff note"}, visibility="staff", actions=[pa.action])
    library_item(title={"en": "Draft study"}, status="draft", actions=[pa.action])
    library_item(title={"en": "Withdrawn study"}, status="withdrawn", actions=[pa.action])

    anonymous = client.get(_page(pa.slug)).content.decode()
    client.force_login(user_with_role("focal_point"))
    member = client.get(_page(pa.slug)).content.decode()

    assert "Public case study" in anonymous and "Members handbook" not in anonymous
    assert "Public case study" in member and "Members handbook" in member
    for page in (anonymous, member):
        assert "Staff note" not in page and "Draft study" not in page and "Withdrawn study" not in page


def test_multi_country_and_regional_actions_are_shown_as_such(client, officer):
    multi = publish_action(officer, countries=("CV", "PE"))
    regional = publish_action(officer, countries=("CV", "SN"), region=Region.objects.get(code="west_africa"))

    assert "Multi-country Action" in client.get(_page(multi.slug)).content.decode()
    assert "Regional Action" in client.get(_page(regional.slug)).content.decode()


def test_a_renamed_action_redirects_permanently(client, officer):
    pa = publish_action(officer, slug="old-name")
    portal.published_action_save(action=pa.action, by=officer, slug="new-name", summary=pa.summary,
                                 results=pa.results, partner_agreed_by=pa.partner_agreed_by,
                                 partner_agreed_on=pa.partner_agreed_on)

    response = client.get(_page("old-name") + "?lang=fr")

    assert response.status_code == 301
    assert response["Location"] == reverse("portal:action", args=["new-name"]) + "?lang=fr"


def test_an_old_slug_of_a_withdrawn_action_does_not_redirect(client, officer):
    pa = publish_action(officer, slug="old-withdrawn")
    pa = portal.published_action_save(action=pa.action, by=officer, slug="new-withdrawn", summary=pa.summary,
                                      partner_agreed_by=pa.partner_agreed_by, partner_agreed_on=pa.partner_agreed_on)
    portal.published_action_unpublish(published=pa, by=officer)

    assert client.get(_page("old-withdrawn")).status_code == 404


@pytest.mark.parametrize("name", ["portal:home", "portal:actions", "action"])
def test_every_page_has_a_title_and_a_meta_description(client, officer, name):
    pa = publish_action(officer, title={"en": "Protocol <b>special</b> situations"},
                        summary={"en": "Costa Rica's protocol for special migration situations. " * 10})
    url = _page(pa.slug) if name == "action" else reverse(name)

    html = client.get(url).content.decode()

    title = TITLE.search(html).group(1)
    description = htmllib.unescape(DESCRIPTION.search(html).group(1))
    assert title.strip() and "<" not in title
    assert 20 < len(description) <= 160
    if name == "action":
        assert "Protocol &lt;b&gt;special&lt;/b&gt; situations" in title
        assert description.startswith("Costa Rica's protocol") and description.endswith("…")


@pytest.mark.parametrize("how", ["cookie", "address"])
def test_the_pages_read_in_russian(client, officer, how):
    pa = publish_action(officer, title={"en": "Border protocols", "ru": "Пограничные протоколы"},
                        summary={"en": "Summary", "ru": "Резюме"})
    if how == "cookie":
        client.cookies["django_language"] = "ru"
    suffix = "?lang=ru" if how == "address" else ""
    with translation.override("ru"):
        skip = gettext("Skip to main content")

    for url in (reverse("portal:home"), reverse("portal:actions"), _page(pa.slug)):
        html = client.get(url + suffix).content.decode()
        assert '<html lang="ru">' in html and skip in html
    detail = client.get(_page(pa.slug) + suffix).content.decode()
    assert "Пограничные протоколы" in detail and "Резюме" in detail


def test_the_list_filters_by_country_theme_region_and_year(client, officer):
    publish_action(officer, countries=("CV",), themes=("legal",), title={"en": "Cabo Verde legal"})
    publish_action(officer, countries=("PE",), themes=("protection",), title={"en": "Peru labour"},
                   start=datetime.date(2021, 1, 1), end=datetime.date(2022, 6, 1))

    def titles(**params):
        html = client.get(reverse("portal:actions"), params).content.decode()
        return {t for t in ("Cabo Verde legal", "Peru labour") if t in html}

    assert titles(country="PE") == {"Peru labour"}
    assert titles(theme="legal") == {"Cabo Verde legal"}
    assert titles(year="2022") == {"Peru labour"}
    assert titles(year="2024") == {"Cabo Verde legal"}
    assert titles(region="lac") == {"Peru labour"}
    assert titles(country="ZZ", year="abc", theme="<script>") == {"Cabo Verde legal", "Peru labour"}


def test_the_list_costs_the_same_queries_at_two_sizes(client, officer):
    for _ in range(2):
        publish_action(officer, countries=("CV", "SN"))
    url = reverse("portal:actions")
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    for _ in range(10):
        publish_action(officer, countries=("PE", "CV"), themes=("legal", "protection"))
    large, _response = count_queries(lambda: client.get(url))

    assert_flat(small, large)


def test_the_home_costs_the_same_queries_at_two_sizes(client, officer):
    pa = publish_action(officer)
    library_item(actions=[pa.action])
    url = reverse("portal:home")
    small, _response = count_queries(lambda: client.get(url))
    for _ in range(8):
        library_item(actions=[publish_action(officer).action])
    large, _response = count_queries(lambda: client.get(url))

    assert_flat(small, large)


# ---------------------------------------------------------------- staff: the form, publishing, the panel


def test_staff_prepare_and_publish_with_confirmation(client, officer):
    action = publish_action(officer, published=False).action
    PublishedAction.objects.filter(action=action).delete()
    client.force_login(officer)
    manage = reverse("portal:manage", args=[action.code])

    form = client.get(manage).content.decode()
    assert 'name="slug"' in form and 'value="' + portal.suggested_slug(action) + '"' in form
    response = client.post(manage, {"slug": "cv-public", "summary_en": "What it did", "show_partners": "on",
                                    "partner_agreed_by": "DGM director", "partner_agreed_on": "2024-02-01"})
    assert response.status_code == 302
    pa = PublishedAction.objects.get(action=action)
    assert (pa.slug, pa.is_published, pa.show_partners, pa.show_activities) == ("cv-public", False, True, False)

    ask = client.post(reverse("portal:publish", args=[action.code]))
    assert ask.status_code == 200 and 'name="confirmed"' in ask.content.decode()
    pa.refresh_from_db()
    assert pa.is_published is False

    client.post(reverse("portal:publish", args=[action.code]), {"confirmed": "1"})
    pa.refresh_from_db()
    assert pa.is_published is True

    client.post(reverse("portal:unpublish", args=[action.code]), {"confirmed": "1"})
    pa.refresh_from_db()
    assert pa.is_published is False


def test_publishing_without_the_agreement_says_why(client, officer):
    action = publish_action(officer, published=False).action
    PublishedAction.objects.filter(action=action).update(partner_agreed_by="")
    client.force_login(officer)

    response = client.post(reverse("portal:publish", args=[action.code]), {"confirmed": "1"}, follow=True)

    assert "Record who agreed, for the partner, to publish this Action." in response.content.decode()
    assert PublishedAction.objects.get(action=action).is_published is False


def test_a_bad_form_answers_messages_not_errors(client, officer):
    action = publish_action(officer, published=False).action
    client.force_login(officer)

    response = client.post(reverse("portal:manage", args=[action.code]),
                           {"slug": "bad slug!", "partner_agreed_on": "not-a-date"})

    assert response.status_code == 200
    assert 'class="error-summary' in response.content.decode()


@pytest.mark.parametrize("role", ["focal_point", "expert", "committee", "observer"])
def test_only_staff_reach_the_form(client, officer, role):
    action = publish_action(officer, published=False).action
    client.force_login(user_with_role(role))

    assert client.get(reverse("portal:manage", args=[action.code])).status_code == 403
    assert client.post(reverse("portal:publish", args=[action.code]), {"confirmed": "1"}).status_code == 403
    assert PublishedAction.objects.get(action=action).is_published is False


def test_the_action_page_shows_staff_the_portal_panel(client, officer):
    pa = publish_action(officer)
    client.force_login(officer)

    page = client.get(reverse("actions:detail", args=[pa.action.code])).content.decode()

    assert reverse("portal:manage", args=[pa.action.code]) in page
    assert reverse("portal:action", args=[pa.slug]) in page


def test_the_landing_page_links_the_portal(client):
    assert reverse("portal:home") in client.get("/").content.decode()


@pytest.mark.parametrize("lang", ["en", "fr", "es", "pt", "ru"])
def test_resubmitting_the_form_unchanged_changes_nothing(client, officer, lang):
    from pontis.core.models import AuditEvent
    from tests.test_form_round_trip import _post_data

    pa = publish_action(officer, summary={"en": "Summary", "ru": "Резюме"}, show_activities=False)
    client.force_login(officer)
    client.cookies["django_language"] = lang
    url = reverse("portal:manage", args=[pa.action.code])
    before = PublishedAction.objects.filter(pk=pa.pk).values().get()
    updates = AuditEvent.objects.for_object(pa).filter(action=AuditEvent.Action.UPDATE).count()

    page = client.get(url)
    response = client.post(url, _post_data(page.content.decode(), action=url, marker="slug", button=None))

    assert page.headers["Content-Language"] == lang and response.status_code == 302
    after = PublishedAction.objects.filter(pk=pa.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"}
    assert AuditEvent.objects.for_object(pa).filter(action=AuditEvent.Action.UPDATE).count() == updates
