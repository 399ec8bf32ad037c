"""The library's pages and API: who sees what, the case study published from an Action's page in one step,
renamed addresses, double submits, hostile text, refused uploads and flat query counts."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.accounts.services import role_grant
from pontis.actions.models import Action
from pontis.actions.tests.factories import make_action
from pontis.core.models import AuditEvent, Country, GoodPracticeFeature, SDGTarget, ThematicArea
from pontis.knowledge import services
from pontis.knowledge.models import LibraryFile, LibraryItem
from tests.factories import UserFactory, user_with_role
from tests.queries import assert_flat, count_queries
from tests.test_form_round_trip import _post_data, _values

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = "Quetzalhidden"  # appears only in the staff-only item
MEMBERS = "Membersonlyword"  # only in the members item
DRAFT = "Draftonlyword"  # only in the unpublished item


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer():
    return user_with_role("officer")


def _item(officer, *, title, visibility="public", publish=True, **fields):
    item = services.item_create(by=officer, kind="practice", title={"en": title}, visibility=visibility,
                                countries=list(Country.objects.filter(code="CV")),
                                themes=list(ThematicArea.objects.filter(code="legal")), year=2021, **fields)
    services.file_add(item=item, by=officer, upload=SimpleUploadedFile("guide.pdf", PDF))
    if publish:
        item = services.item_publish(item=item, by=officer)
    return item


@pytest.fixture
def library(officer):
    return {
        "public": _item(officer, title="Open referral protocol"),
        "members": _item(officer, title=f"{MEMBERS} handbook", visibility="members"),
        "staff": _item(officer, title=f"{SECRET} guideline", visibility="staff", summary={"en": SECRET}),
        "draft": _item(officer, title=f"{DRAFT} factsheet", publish=False),
    }


def _client_for(client, who):
    if who == "delegation":
        user = UserFactory()
        role_grant(user=user, role="delegation", country=Country.objects.get(code="CV"))
        client.force_login(user)
    elif who != "anonymous":
        client.force_login(user_with_role(who))
    return client


def _file_url(item):
    return reverse("library:file", args=[item.slug, item.files.get().pk])


@pytest.mark.parametrize("who", ["anonymous", "focal_point", "expert", "observer", "committee", "delegation"])
def test_a_staff_only_item_appears_nowhere_for_anyone_else(client, library, who):
    client = _client_for(client, who)
    staff, draft = library["staff"], library["draft"]

    page = client.get(reverse("library:list")).content.decode()
    api_list = client.get("/api/v1/library/items?limit=100").content.decode()

    for text in (page, api_list):
        assert "Open referral protocol" in text
        assert SECRET not in text and DRAFT not in text
        assert staff.slug not in text and draft.slug not in text
    for item in (staff, draft):
        assert client.get(reverse("library:detail", args=[item.slug])).status_code == 404
        assert client.get(_file_url(item)).status_code == 404
        assert client.get(f"/api/v1/library/items/{item.slug}").status_code == 404
    # Members items: for signed-in people only.
    members_seen = who != "anonymous"
    assert (MEMBERS in page) is members_seen
    assert client.get(reverse("library:detail", args=[library["members"].slug])).status_code == (
        200 if members_seen else 404)
    assert client.get(_file_url(library["members"])).status_code == (200 if members_seen else 404)


def test_staff_see_every_item_and_download_its_file(client, library, officer):
    client.force_login(officer)
    page = client.get(reverse("library:list")).content.decode()
    assert SECRET in page and DRAFT in page and MEMBERS in page

    response = client.get(_file_url(library["staff"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_the_filters_narrow_the_list(client, library):
    response = client.get(reverse("library:list"), {"kind": "case_study"})
    assert "Open referral protocol" not in response.content.decode()
    response = client.get(reverse("library:list"), {"kind": "practice", "country": "cv", "year": "2021",
                                                    "theme": "legal"})
    assert "Open referral protocol" in response.content.decode()
    assert client.get(reverse("library:list"), {"year": "abc", "page": "999"}).status_code == 200


def test_non_public_items_are_marked_noindex(client, library, officer):
    public = client.get(reverse("library:detail", args=[library["public"].slug])).content.decode()
    client.force_login(officer)
    staff = client.get(reverse("library:detail", args=[library["staff"].slug])).content.decode()

    assert 'name="robots" content="noindex"' not in public
    assert 'name="robots" content="noindex"' in staff


def test_a_renamed_item_answers_a_permanent_redirect_from_its_old_address(client, library, officer):
    item = services.item_update(item=library["public"], by=officer, slug="referral-protocol-2024")

    response = client.get("/library/open-referral-protocol/")

    assert response.status_code == 301
    assert response["Location"] == reverse("library:detail", args=["referral-protocol-2024"])
    assert client.get("/api/v1/library/items/open-referral-protocol").json()["slug"] == item.slug


def test_a_renamed_staff_item_still_answers_404_to_others(client, library, officer):
    services.item_update(item=library["staff"], by=officer, slug="renamed-secret")
    assert client.get(reverse("library:detail", args=[library["staff"].slug])).status_code == 404
    assert client.get("/library/renamed-secret/").status_code == 404


def test_hostile_text_is_escaped(client, officer):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    item = _item(officer, title=hostile, context={"en": hostile}, summary={"en": hostile})
    services.item_update(item=item, by=officer, context={"en": hostile})
    item = LibraryItem.objects.get(pk=item.pk)
    item.kind = "case_study"
    item.save()

    for url in (reverse("library:list"), reverse("library:detail", args=[item.slug])):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_a_missing_translation_is_shown_marked_as_a_fallback(client, officer):
    item = _item(officer, title="Protocol", context={"en": "Only in English."})
    item.kind = "case_study"
    item.save()

    body = client.get(reverse("library:detail", args=[item.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Only in English." in body
    assert 'class="fallback-note"' in body and 'lang="en"' in body


def test_staff_create_an_item_once_even_when_the_form_is_sent_twice(client, officer):
    client.force_login(officer)
    form = client.get(reverse("library:create", args=["practice"])).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form).group(1)
    data = {"title_en": "Screening checklist", "visibility": "members", "idempotency_key": key, "year": "2020"}

    first = client.post(reverse("library:create", args=["practice"]), data)
    second = client.post(reverse("library:create", args=["practice"]), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("library:detail", args=["screening-checklist"])
    assert LibraryItem.objects.filter(slug__startswith="screening-checklist").count() == 1


def test_the_create_form_refuses_a_missing_title_with_a_message(client, officer):
    client.force_login(officer)
    response = client.post(reverse("library:create", args=["case_study"]), {"visibility": "public"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert LibraryItem.objects.count() == 0
    assert client.get(reverse("library:create", args=["poster"])).status_code == 404


def test_an_upload_is_refused_by_its_content(client, library, officer):
    client.force_login(officer)
    item = library["public"]
    upload = SimpleUploadedFile("handbook.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")

    response = client.post(reverse("library:file_upload", args=[item.slug]), {"file": upload})

    assert response.status_code == 422
    assert "Only" in response.content.decode() or "not accepted" in response.content.decode()
    assert LibraryFile.objects.filter(item=item).count() == 1


def test_withdraw_asks_for_confirmation_first(client, library, officer):
    client.force_login(officer)
    item = library["public"]
    url = reverse("library:withdraw", args=[item.slug])

    page = client.post(url)
    item.refresh_from_db()
    assert page.status_code == 200 and item.status == "published"

    client.post(url, {"confirmed": "1"})
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert client.logout() is None
    assert client.get(reverse("library:detail", args=[item.slug])).status_code == 404


def test_others_cannot_use_the_staff_pages(client, library):
    client.force_login(user_with_role("focal_point"))
    item = library["public"]
    assert client.get(reverse("library:edit", args=[item.slug])).status_code == 403
    assert client.post(reverse("library:publish", args=[library["draft"].slug]), {"confirmed": "1"}).status_code == 403
    library["draft"].refresh_from_db()
    assert library["draft"].status == "draft"


def _completed_action(officer):
    action = make_action(officer, countries=("CR",))
    Action.objects.filter(pk=action.pk).update(status=Action.Status.COMPLETED, final_report="Adopted.",
                                               lessons_learnt="Start with the prosecutors.",
                                               closed_on=datetime.date(2024, 2, 1))
    action.refresh_from_db()
    return action


def test_an_officer_publishes_a_case_study_from_the_action_page_in_one_step(client, officer):
    action = _completed_action(officer)
    client.force_login(officer)
    page = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert "Publish a case study" in page
    key = re.search(r'action="/library/from-action/[^"]+".*?name="idempotency_key" value="([0-9a-f]+)"', page,
                    re.S).group(1)
    data = {"partner_agreed_by": "Minister of Interior", "partner_agreed_on": "2024-03-01", "visibility": "public",
            "idempotency_key": key}

    response = client.post(reverse("library:from_action", args=[action.code]), data)
    again = client.post(reverse("library:from_action", args=[action.code]), data)

    item = LibraryItem.objects.get()
    assert response.status_code == again.status_code == 302
    assert response["Location"] == reverse("library:detail", args=[item.slug])
    assert (item.kind, item.status, item.partner_agreed_by) == ("case_study", "published", "Minister of Interior")
    assert item.lessons == {"en": "Start with the prosecutors."}
    client.logout()
    assert "Start with the prosecutors." in client.get(response["Location"]).content.decode()
    # The Action's page now lists it (for whoever may see the Action).
    client.force_login(officer)
    assert item.slug in client.get(reverse("actions:detail", args=[action.code])).content.decode()


def test_the_case_study_form_needs_the_partners_agreement(client, officer):
    action = _completed_action(officer)
    client.force_login(officer)
    response = client.post(reverse("library:from_action", args=[action.code]), {"visibility": "public"})
    assert response.status_code == 422
    assert "Say who agreed" in response.content.decode()
    assert LibraryItem.objects.count() == 0


def test_no_publish_form_on_an_ongoing_action_nor_for_the_committee(client, officer):
    ongoing = make_action(officer)
    completed = _completed_action(officer)
    client.force_login(officer)
    assert "Publish a case study" not in client.get(reverse("actions:detail", args=[ongoing.code])).content.decode()
    client.force_login(user_with_role("committee"))
    assert "Publish a case study" not in client.get(reverse("actions:detail", args=[completed.code])).content.decode()


def test_the_api_creates_changes_and_publishes_for_staff_only(api_client, officer):
    staff = api_client(officer)
    created = staff.post("/api/v1/library/items", {"kind": "publication", "title": {"en": "Annual report 2023"},
                                                   "visibility": "public", "countries": ["CV"],
                                                   "publication_type": "annual_report", "idempotency_key": "a1"},
                         content_type="application/json")
    assert created.status_code == 201
    slug = created.json()["slug"]
    again = staff.post("/api/v1/library/items", {"kind": "publication", "title": {"en": "Annual report 2023"},
                                                 "idempotency_key": "a1"}, content_type="application/json")
    assert again.json()["id"] == created.json()["id"]

    changed = staff.patch(f"/api/v1/library/items/{slug}", {"slug": "annual-report-2023-en", "year": 2023},
                          content_type="application/json")
    assert changed.status_code == 200 and changed.json()["slug"] == "annual-report-2023-en"
    focal = api_client(user_with_role("focal_point"))
    assert focal.post("/api/v1/library/items/annual-report-2023-en/publish").status_code == 404  # a draft: unseen
    assert staff.post("/api/v1/library/items/annual-report-2023-en/publish").json()["status"] == "published"
    assert staff.post("/api/v1/library/items/annual-report-2023-en/publish").status_code == 409
    assert focal.patch("/api/v1/library/items/annual-report-2023-en", {"year": 1999},
                       content_type="application/json").status_code == 403
    assert LibraryItem.objects.get().year == 2023
    bad = staff.post("/api/v1/library/items", {"kind": "publication", "title": {"en": "X"}, "countries": ["ZZ"]},
                     content_type="application/json")
    assert bad.status_code == 422


def test_the_list_costs_the_same_number_of_queries_at_two_sizes(client, officer):
    for n in range(2):
        _item(officer, title=f"Item {n}", publish=True)
    client.force_login(officer)
    url = reverse("library:list")
    small, _response = count_queries(lambda: client.get(url))
    api_small, _response = count_queries(lambda: client.get("/api/v1/library/items"))
    for n in range(2, 14):
        _item(officer, title=f"Item {n}", publish=True)
    large, response = count_queries(lambda: client.get(url))
    api_large, _response = count_queries(lambda: client.get("/api/v1/library/items"))

    assert response.content.decode().count("library-list__item") == 14
    assert_flat(small, large)
    assert_flat(api_small, api_large)


@pytest.mark.parametrize("lang", ["en", "fr", "es", "pt", "ru"])
def test_resubmitting_the_edit_form_unchanged_changes_nothing(client, officer, lang):
    action = make_action(officer)
    item = services.item_create(
        by=officer, kind="case_study", title={"en": "Protocol", "fr": "Protocole"}, visibility="public",
        context={"es": "Contexto"}, lessons={"en": "Lessons\nin two lines"}, year=2019,
        partner_agreed_by="Ana", partner_agreed_on=datetime.date(2020, 1, 18), actions=[action],
        countries=list(Country.objects.filter(code__in=["CV", "PE"])),
        features=list(GoodPracticeFeature.objects.all()[:2]), sdg_targets=list(SDGTarget.objects.all()[:1]))
    m2m = ("countries", "features", "sdg_targets", "actions", "themes", "deliverables", "experts")
    before = _values(item, m2m=m2m)
    updates = AuditEvent.objects.for_object(item).filter(action=AuditEvent.Action.UPDATE).count()
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("library:edit", args=[item.slug])

    data = _post_data(client.get(url).content.decode(), action=url, marker="partner_agreed_by", button=None)
    response = client.post(url, data)

    assert response.status_code == 302
    assert _values(item, m2m=m2m) == before
    assert AuditEvent.objects.for_object(item).filter(action=AuditEvent.Action.UPDATE).count() == updates
