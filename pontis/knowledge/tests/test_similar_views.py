"""The "Similar elsewhere" panel on the request, Action and library pages, its staff buttons, and the API."""

import pytest
from django.urls import reverse

from pontis.core.models import AuditEvent
from pontis.knowledge.models import SimilarMark
from tests.factories import user_with_role

from . import similar_world
from .similar_world import make_item

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TITLE = "Similar elsewhere"


@pytest.fixture(autouse=True)
def _meaning_off(settings):
    settings.PONTIS_MEANING_ENCODER = "off"


@pytest.fixture
def world():
    return similar_world.build()


def panel_url(world, name="panel"):
    return reverse(f"similar:{name}", args=["request", world.request.pk])


def test_officer_sees_the_panel_with_reasons_and_buttons_on_the_request_page(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("intake:detail", args=[world.request.pk]), {"similar": 1}).content.decode()
    assert TITLE in page
    assert str(world["senegal"].title["en"]) in page
    assert "Same region: West Africa" in page
    assert "zqxstaffword" in page  # a staff-only practice: staff see it
    assert "Ana Referral" in page
    assert panel_url(world, "pin") in page and panel_url(world, "dismiss") in page


def test_the_requesting_focal_point_sees_the_panel_without_staff_bits(client, world):
    client.force_login(world.focal_point)
    page = client.get(reverse("intake:detail", args=[world.request.pk]), {"similar": 1}).content.decode()
    assert TITLE in page
    assert str(world["mexico_practice"].title["en"]) in page
    assert "zqxstaffword" not in page
    assert str(world["senegal"].title["en"]) not in page  # another institution's Action
    assert "Ana Referral" not in page and "1 expert" in page
    assert panel_url(world, "pin") not in page


def test_the_action_page_shows_the_panel(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("actions:detail", args=[world["peru"].code]), {"similar": 1}).content.decode()
    assert TITLE in page and str(world["senegal"].title["en"]) in page


def test_the_partial_answers_404_for_a_source_the_reader_may_not_see(client, world):
    client.force_login(user_with_role("focal_point"))
    assert client.get(panel_url(world)).status_code == 404
    client.force_login(world.focal_point)
    assert client.get(panel_url(world)).status_code == 200
    assert client.get(reverse("similar:panel", args=["unknown", world.request.pk])).status_code == 404


def test_pin_with_htmx_answers_the_panel_once_however_often_clicked(client, world):
    client.force_login(world.officer)
    data = {"target_kind": "practice", "target_id": world["mexico_practice"].pk}
    for _ in range(2):
        response = client.post(panel_url(world, "pin"), data, **HTMX)
        assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "Pinned" in html and "Un-pin" in html
    assert SimilarMark.objects.filter(mark="pinned").count() == 1
    assert AuditEvent.objects.filter(content_type__model="similarmark").count() == 1

    response = client.post(panel_url(world, "reset"), data, **HTMX)  # un-pin
    assert response.status_code == 200 and not SimilarMark.objects.exists()


def test_dismiss_without_javascript_redirects_and_hides_it(client, world):
    client.force_login(world.officer)
    response = client.post(panel_url(world, "dismiss"), {"target_kind": "action", "target_id": world["senegal"].pk})
    assert response.status_code == 302 and response["Location"].endswith("#similar-elsewhere")
    page = client.get(reverse("intake:detail", args=[world.request.pk]), {"similar": 1}).content.decode()
    assert str(world["senegal"].title["en"]) not in page.split(TITLE, 1)[1]


def test_forgetting_every_mark_asks_for_confirmation(client, world):
    client.force_login(world.officer)
    client.post(panel_url(world, "dismiss"), {"target_kind": "action", "target_id": world["senegal"].pk})
    first = client.post(panel_url(world, "reset"), {})
    assert first.status_code == 200 and SimilarMark.objects.count() == 1  # the confirmation page
    client.post(panel_url(world, "reset"), {"confirmed": "1"})
    assert not SimilarMark.objects.exists()


@pytest.mark.parametrize("data", [{}, {"target_kind": "action", "target_id": "x"},
                                  {"target_kind": "bogus", "target_id": "1"},
                                  {"target_kind": "action", "target_id": str(2**70)},
                                  {"target_kind": "practice", "target_id": "999999"}])
def test_bad_input_is_a_message_never_a_500(client, world, data):
    client.force_login(world.officer)
    response = client.post(panel_url(world, "pin"), data, **HTMX)
    assert response.status_code == 200 and "message--error" in response.content.decode()
    assert not SimilarMark.objects.exists()


def test_a_focal_point_may_not_mark(client, world):
    client.force_login(world.focal_point)
    data = {"target_kind": "practice", "target_id": world["mexico_practice"].pk}
    assert client.post(panel_url(world, "pin"), data).status_code == 403
    assert not SimilarMark.objects.exists()


def test_the_staff_may_not_mark_a_target_they_cannot_see_or_a_hidden_source(client, world):
    client.force_login(world.officer)
    draft_request = similar_world.make_request(by=world.focal_point, institution=world.institution)
    draft_request.status, draft_request.submitted_at = "draft", None
    draft_request.save()
    url = reverse("similar:pin", args=["request", draft_request.pk])  # somebody else's draft: not for staff
    assert client.post(url, {"target_kind": "action", "target_id": world["peru"].pk}).status_code == 404


def test_hostile_titles_are_escaped(client, world):
    make_item(countries=("PE",), concepts=[world.concept], title="<script>alert(1)</script>")
    client.force_login(world.officer)
    html = client.get(panel_url(world)).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- API


def test_api_answers_suggestions_with_reasons(api_client, world):
    response = api_client(world.officer).get("/api/v1/similar", {"request": world.request.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == {"kind": "request", "id": world.request.pk}
    items = {(i["kind"], i["id"]): i for i in body["items"]}
    senegal = items[("action", world["senegal"].pk)]
    assert {r["code"] for r in senegal["reasons"]} == {"theme", "topic", "region"}
    assert senegal["score"] == 5 and senegal["countries"] == ["SN"]
    assert senegal["experts"] == {"names": ["Ana Referral"], "count": 1}


def test_api_shows_the_focal_point_only_what_they_may_see(api_client, world):
    body = api_client(world.focal_point).get("/api/v1/similar", {"request": world.request.pk}).json()
    ids = {(i["kind"], i["id"]) for i in body["items"]}
    assert ids == {("action", world["own_action"].pk), ("practice", world["mexico_practice"].pk)}
    practice = next(i for i in body["items"] if i["kind"] == "practice")
    assert practice["experts"] == {"names": [], "count": 1}
    assert "zqxstaffword" not in str(body)


def test_api_anonymous_callers_get_public_items_of_a_public_practice(client, world):
    other = make_item(countries=("PE",), concepts=[world.concept], experts=[world["expert"]])
    response = client.get("/api/v1/similar", {"practice": world["mexico_practice"].pk})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["id"]) for i in items] == [("practice", other.pk)]
    assert items[0]["experts"] == {"names": [], "count": 1}
    assert client.get("/api/v1/similar", {"request": world.request.pk}).status_code == 404
    assert client.get("/api/v1/similar", {"practice": world["mexico_staff"].pk}).status_code == 404


@pytest.mark.parametrize("query", [{}, {"request": 1, "action": 2}, {"action": "x"}, {"action": str(2**70)}])
def test_api_wants_exactly_one_valid_source(client, query):
    assert client.get("/api/v1/similar", query).status_code == 422


def test_a_library_item_page_shows_the_panel_to_anonymous_visitors(client, world):
    other = make_item(countries=("PE",), concepts=[world.concept], title="Referral handbook")
    page = client.get(reverse("library:detail", args=[world["mexico_practice"].slug]), {"similar": 1}).content.decode()
    assert TITLE in page and "Referral handbook" in page
    assert "zqxstaffword" not in page and "Ana Referral" not in page
    assert reverse("similar:pin", args=["practice", world["mexico_practice"].pk]) not in page
    assert other.slug in page


@pytest.mark.parametrize("lang", ["fr", "es", "pt", "ru"])
def test_the_panel_reads_in_every_language(client, world, lang):
    client.force_login(world.officer)
    response = client.get(panel_url(world), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert "irregular_thb" not in response.content.decode()


def test_the_panel_costs_the_same_queries_at_two_data_sizes(client, world):
    from tests.queries import assert_flat, count_queries

    from .similar_world import TOPIC, deploy, make_past_action

    client.force_login(world.officer)
    small, response = count_queries(lambda: client.get(panel_url(world)))
    assert response.status_code == 200
    for i in range(10):
        action = make_past_action(countries=("SN", "PE")[i % 2:i % 2 + 1], topics=(TOPIC,))
        deploy(action, world["expert"])
        make_item(countries=("MX",), concepts=[world.concept], experts=[world["expert"]])
        similar_world.make_concept(f"extra_{i}", en=f"extra concept {i}")
    large, response = count_queries(lambda: client.get(panel_url(world)))
    assert response.content.decode().count("similar__item") >= 8
    assert_flat(small, large)


def test_the_page_does_not_wait_for_the_suggestions_its_panel_fetches_them(client, world):
    """Without ?similar, the request page holds a placeholder that htmx replaces with the panel's own answer."""
    client.force_login(world.officer)
    page = client.get(reverse("intake:detail", args=[world.request.pk])).content.decode()
    url = reverse("similar:panel", args=["request", world.request.pk])
    assert f'hx-get="{url}"' in page and 'hx-trigger="load"' in page
    assert "zqxstaffword" not in page  # the suggestions (a staff-only practice among them) are not computed with it
    assert 'href="?similar=1#similar-elsewhere"' in page  # without JavaScript, a link shows them in the page
    panel = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "zqxstaffword" in panel and str(world["senegal"].title["en"]) in panel


def test_the_panel_counts_every_pin_and_dismissal_from_the_marks_it_read(client, world):
    """The "Forget n pins and dismissals" count comes from the marks read for the suggestions (one per target)."""
    from pontis.knowledge.wiring.similar import panel_context
    from tests.queries import count_queries

    client.force_login(world.officer)
    for view, target in (("pin", world["senegal"].pk), ("dismiss", world["peru"].pk)):
        client.post(panel_url(world, view), {"target_kind": "action", "target_id": target}, **HTMX)
    response = client.get(panel_url(world), **HTMX)
    assert response.context["panel"]["marked"] == SimilarMark.objects.filter(source_id=world.request.pk).count() == 2
    assert "Forget 2 pins and dismissals" in response.content.decode()
    request = response.wsgi_request
    queries, panel = count_queries(lambda: panel_context(request, "request", world.request))
    assert panel["marked"] == 2
    client.post(panel_url(world, "reset"), {"confirmed": "1"})
    assert client.get(panel_url(world), **HTMX).context["panel"]["marked"] == 0
    assert count_queries(lambda: panel_context(request, "request", world.request))[0] == queries
