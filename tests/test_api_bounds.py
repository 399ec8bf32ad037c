"""Inputs that answered 500 on the API answer 4xx with the error schema, and write nothing.

Each test sends one of the inputs found when Pontis was attacked (issue 7, "Nine inputs answer 500"). Before the
fix each answered 500: a year out of Python's date range, an offset beyond 64 bits, ``null`` for a column that
cannot be empty, a negative count, a lone surrogate, a NUL character and an over-long string (PostgreSQL refuses
the last two; SQLite stored them), an integer beyond 64 bits (SQLite cannot bind it). The schemas now state
those bounds (``pontis.core.api_helpers``), and a database error that still slips through is a 409/422.
"""

import json

import pytest
from django.db import DataError, IntegrityError
from ninja import Router
from ninja.testing import TestClient

from pontis.actions.models import Activity
from pontis.actions.tests.factories import agreed_action
from pontis.core.api_helpers import PontisAPI
from pontis.intake.models import Request

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**63


def send(client, method, url, data):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def raw(client, method, url, body: str):
    """Send a JSON text as written (``json.dumps`` would escape a lone surrogate the same way, but say it plainly)."""
    return getattr(client, method)(url, body.encode("utf-8", "surrogatepass"), content_type="application/json")


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) >= {"detail", "code"}
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code


@pytest.fixture
def activity(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    return action.activities.order_by("sequence").first()


@pytest.fixture
def draft(api_client, focal_point, institution):
    response = send(api_client(focal_point), "post", "/api/v1/requests", {"title": "Border training", "institutions": [institution.pk]})
    assert response.status_code == 201
    return Request.objects.get(pk=response.json()["id"])


# 1. a year out of range
@pytest.mark.parametrize("year", [0, 10000, 99999999])
def test_a_year_out_of_range_is_refused(api_client, officer, year):
    assert_error(api_client(officer).get(f"/api/v1/events?year={year}"), 422, "invalid")


def test_a_year_that_is_not_a_number_filters_nothing_on_actions(api_client, officer):
    assert_error(api_client(officer).get("/api/v1/actions?year=99999999999999999999"), 422, "invalid")


# 2. an offset above 2**63
@pytest.mark.parametrize("url", ["/api/v1/actions", "/api/v1/activities", "/api/v1/requests", "/api/v1/events",
                                 "/api/v1/deliverables", "/api/v1/reference/countries"])
def test_an_offset_beyond_64_bits_is_refused(api_client, officer, url):
    assert_error(api_client(officer).get(f"{url}?offset={BEYOND_64_BITS}"), 422, "invalid")
    assert_error(api_client(officer).get(f"{url}?offset={2**63 - 1}"), 422, "invalid")


def test_the_largest_allowed_offset_answers_an_empty_page(api_client, officer):
    response = api_client(officer).get("/api/v1/actions?offset=1000000000000000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


# 3. null for a field that cannot be empty
@pytest.mark.parametrize("field", ["online", "place", "type", "expert_profile", "title"])
def test_null_for_a_required_field_on_patch_is_refused_and_changes_nothing(api_client, officer, activity, field):
    before = Activity.objects.values().get(pk=activity.pk)

    response = send(api_client(officer), "patch", f"/api/v1/activities/{activity.pk}", {field: None})

    assert_error(response, 422, "invalid")
    assert Activity.objects.values().get(pk=activity.pk) == before


@pytest.mark.parametrize("field", ["problem", "objectives", "language", "title"])
def test_null_for_a_request_text_on_patch_is_refused(api_client, focal_point, draft, field):
    response = send(api_client(focal_point), "patch", f"/api/v1/requests/{draft.pk}", {field: None})

    assert_error(response, 422, "invalid")


# 4. a negative count
def test_negative_expected_participants_are_refused_and_nothing_is_created(api_client, officer, activity):
    count = Activity.objects.count()
    payload = {"action": activity.action.code, "type": "workshop", "title": {"en": "x"}, "expected_participants": -1}

    assert_error(send(api_client(officer), "post", "/api/v1/activities", payload), 422, "invalid")
    assert_error(send(api_client(officer), "patch", f"/api/v1/activities/{activity.pk}", {"expected_participants": -5}), 422)
    assert Activity.objects.count() == count
    activity.refresh_from_db()
    assert activity.expected_participants is None


def test_a_count_beyond_the_column_is_refused(api_client, officer, activity):
    response = send(api_client(officer), "patch", f"/api/v1/activities/{activity.pk}", {"expected_participants": 2**31})

    assert_error(response, 422, "invalid")


# 5. a lone surrogate in JSON
def test_a_lone_surrogate_in_a_text_is_refused(api_client, focal_point, draft):
    response = raw(api_client(focal_point), "patch", f"/api/v1/requests/{draft.pk}", '{"problem": "bad \\ud800 text"}')

    assert_error(response, 422, "invalid")
    draft.refresh_from_db()
    assert draft.problem == ""


def test_a_lone_surrogate_in_a_translated_title_is_refused(api_client, officer, activity):
    response = raw(api_client(officer), "patch", f"/api/v1/activities/{activity.pk}", '{"title": {"en": "\\udfff"}}')

    assert_error(response, 422, "invalid")


# 6. NUL characters (PostgreSQL refuses them)
def test_a_nul_character_is_refused(api_client, focal_point, draft):
    response = send(api_client(focal_point), "patch", f"/api/v1/requests/{draft.pk}", {"objectives": "one\x00two"})

    assert_error(response, 422, "invalid")
    draft.refresh_from_db()
    assert "\x00" not in draft.objectives


def test_a_nul_character_in_a_query_filter_is_refused(api_client, officer):
    assert_error(api_client(officer).get("/api/v1/actions?q=a%00b"), 422, "invalid")


# 7. over-long strings (PostgreSQL refuses them)
def test_a_text_longer_than_its_column_is_refused(api_client, officer, activity):
    response = send(api_client(officer), "patch", f"/api/v1/activities/{activity.pk}", {"place": "x" * 201})

    assert_error(response, 422, "invalid")
    activity.refresh_from_db()
    assert activity.place != "x" * 201


def test_a_request_official_name_longer_than_its_column_is_refused(api_client, focal_point, draft):
    max_length = Request._meta.get_field("endorsement_official_name").max_length
    response = send(api_client(focal_point), "patch", f"/api/v1/requests/{draft.pk}",
                    {"endorsement_official_name": "n" * (max_length + 1)})

    assert_error(response, 422, "invalid")


# 8. integers above 2**63 (SQLite cannot bind them)
@pytest.mark.parametrize("url", ["/api/v1/activities/{n}", "/api/v1/deliverables/{n}", "/api/v1/requests/{n}",
                                 "/api/v1/events/{n}", "/api/v1/activities/{n}/candidates"])
def test_an_id_beyond_64_bits_is_refused(api_client, officer, url):
    assert_error(api_client(officer).get(url.format(n=BEYOND_64_BITS)), 422, "invalid")


def test_an_institution_id_beyond_64_bits_in_a_body_is_refused(api_client, focal_point, draft):
    response = send(api_client(focal_point), "patch", f"/api/v1/requests/{draft.pk}", {"institutions": [BEYOND_64_BITS]})

    assert_error(response, 422, "invalid")


def test_a_page_id_beyond_64_bits_is_a_404_not_a_500(client, officer):
    client.force_login(officer)

    assert client.get(f"/requests/{BEYOND_64_BITS}/").status_code == 404


# ---------------------------------------------------------------- the remaining database errors


def test_a_database_integrity_or_data_error_becomes_a_4xx_with_the_error_schema():
    api = PontisAPI(urls_namespace="test-bounds")
    router = Router()

    @router.get("/integrity")
    def integrity(request):
        raise IntegrityError("duplicate key value violates unique constraint")

    @router.get("/data")
    def data(request):
        raise DataError("value too long for type character varying(20)")

    api.add_router("/", router)
    client = TestClient(api)

    conflict = client.get("/integrity")
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": "This conflicts with existing information.", "code": "conflict"}
    invalid = client.get("/data")
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid"


def test_the_document_declares_every_error_status_with_the_error_schema(client):
    document = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/ErrorOut"}

    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"detail", "code"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            expected = {"403", "404", "422"} | ({"400", "409"} if method != "get" else set())
            if operation.get("security") and {} not in operation["security"]:
                expected.add("401")
            assert expected <= set(operation["responses"]), (method, path)
            for status in expected:
                assert operation["responses"][status]["content"]["application/json"]["schema"] == error


def test_a_lone_surrogate_or_nul_in_an_idempotency_key_is_refused(api_client, officer, activity):
    client = api_client(officer)
    payload = '{{"action": "{code}", "type": "workshop", "title": {{"en": "x"}}, "idempotency_key": {key}}}'
    count = Activity.objects.count()

    for key in ('"\\ud800"', '"a\\u0000b"'):
        response = raw(client, "post", "/api/v1/activities", payload.format(code=activity.action.code, key=key))
        assert_error(response, 422, "invalid")
    assert Activity.objects.count() == count


def test_the_shared_idempotency_key_refuses_a_lone_surrogate_or_nul(api_client, focal_point, draft):
    client = api_client(focal_point)

    for key in ('"\\ud800"', '"a\\u0000b"'):
        response = raw(client, "post", f"/api/v1/requests/{draft.pk}/notes", f'{{"body": "Call back", "idempotency_key": {key}}}')
        assert_error(response, 422, "invalid")
