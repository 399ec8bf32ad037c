"""The API's Action list (``GET /api/v1/actions``) builds its rows from the columns it shows, in ``ActionOut``
itself, and answers the page's schema without validating it again (``core.api_helpers.answered_as_built``). What it answers must
be, byte for byte, what the validated answer of the model's rows was (``_action_out``, which the detail route still
uses), for every reader, filter and language, with hostile text; and its OpenAPI description must not move."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from ninja.responses import NinjaJSONEncoder

from config.api import api as root_api
from pontis.actions import api, selectors
from pontis.actions.models import Action
from pontis.core.api_helpers import _page_schema
from pontis.core.models import Country, Region, ThematicArea
from tests.queries import assert_flat

from .factories import agreed_action, make_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions"
HOSTILE = {
    "en": '<script>alert("x")</script> & \'quotes\' \\ back\u2028slash',
    "fr": "Coopération « judiciaire » – été 🚀",
    "ru": "Мероприятие <b>жирный</b>",
}


def _varied_actions(officer) -> list[Action]:
    """Actions in every state a row shows: several countries and themes (their order), a region or none, each
    clock state (no request date, late, at risk, on time, launched), dates or none, hostile titles."""
    today = timezone.localdate()
    actions = [
        make_action(officer, countries=("PE", "CV", "BR"), themes=("legal", *ThematicArea.objects.exclude(
            code="legal").order_by("-code").values_list("code", flat=True)[:2])),
        make_action(officer, requested_on=today - datetime.timedelta(days=200)),  # late
        make_action(officer, requested_on=today - datetime.timedelta(days=75)),  # at risk
        make_action(officer, countries=("BR",)),
        make_action(officer, countries=("CV", "PE")),
    ]
    first, _late, _at_risk, launched, undated = actions
    Action.objects.filter(pk=first.pk).update(
        title=HOSTILE, region=Region.objects.order_by("code").first(), start_date=today, end_date=today + datetime.timedelta(days=9))
    Action.objects.filter(pk=launched.pk).update(
        launched_on=today - datetime.timedelta(days=3), approved_on=today - datetime.timedelta(days=15),
        fiche_agreed_on=today - datetime.timedelta(days=10), title={"fr": "Seulement en français"})
    Action.objects.filter(pk=undated.pk).update(requested_on=None, title={})
    return actions


def _validated_answer(user, *, limit: int = 50, offset: int = 0, **filters) -> bytes:
    """The answer as the route gave it before: each Action as a model instance shaped by ``_action_out``, the page
    validated by django-ninja in its ``Paged`` schema and rendered by its JSON renderer."""
    queryset = selectors.actions_for(user, **{"q": "", "status": "", "region": "", "theme": "", "country": "", "year": "",
                                               **filters})
    actions = list(queryset.prefetch_related(None)[offset:offset + limit])
    codes = selectors.codes_of(actions)
    page = {"items": [api._action_out(a, codes[a.pk]) for a in actions], "count": queryset.count()}
    schema = _page_schema(api.router, api.action_list)
    dumped = schema.model_validate(page).model_dump()
    return json.dumps(dumped, cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_the_answer_is_the_validated_answer_byte_for_byte(api_client, officer, language):
    _varied_actions(officer)
    client = api_client(officer)
    for query, filters in (
        ("", {}),
        ("?limit=2&offset=1", {"limit": 2, "offset": 1}),
        ("?country=pe", {"country": "pe"}),
        ("?theme=legal&status=design", {"theme": "legal", "status": "design"}),
        ("?q=script", {"q": "script"}),
        ("?offset=40", {"offset": 40}),
    ):
        response = client.get(URL + query, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
        with translation.override(language):
            assert response.content == _validated_answer(officer, **filters), (language, query)


def test_a_partner_gets_the_validated_answer_for_its_own_actions_only(api_client, officer, focal_point, institution):
    mine = agreed_action(officer, focal_point, institution)
    _varied_actions(officer)
    response = api_client(focal_point).get(URL)
    assert [row["code"] for row in response.json()["items"]] == [mine.code]
    with translation.override("en"):
        assert response.content == _validated_answer(focal_point)


def test_no_reader_without_a_token_or_role(client, db):
    assert client.get(URL).status_code == 401


def test_the_page_reads_only_the_columns_it_shows_in_the_same_queries_at_two_sizes(api_client, officer):
    _varied_actions(officer)
    client = api_client(officer)
    client.get(URL)

    def page_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    small = page_queries()
    for _i in range(12):
        make_action(officer, countries=("PE", "BR"))
    large = page_queries()
    assert_flat(len(small), len(large))
    (listing,) = [sql for sql in large if 'FROM "actions_action"' in sql and "LIMIT" in sql]
    # Not the columns the page does not show, nor the activities' dates, nor the lead country.
    for unread in ("final_report", "lessons_learnt", "actions_activity", "lead_country", "cancel_reason"):
        assert unread not in listing, unread


def test_rows_are_built_from_the_schemas_own_types(api_client, officer):
    """What ``answered_as_built`` relies on: every row, as built, is what validating it would give."""
    _varied_actions(officer)
    queryset = selectors.actions_for(officer)
    rows = api._ActionRows(queryset, api._action_row)[0:50]
    assert len(rows) == 5
    for row in rows:
        assert isinstance(row, api.ActionOut) and isinstance(row.clock, api.Clock)
        assert api.ActionOut.model_validate(row.model_dump()).model_dump() == row.model_dump()
        assert set(row.model_fields_set) == set(api.ActionOut.model_fields)


def test_the_openapi_description_of_the_list_is_unchanged():
    schema = json.loads(json.dumps(root_api.get_openapi_schema(path_prefix="/api/v1/"), default=str))
    operation = schema["paths"]["/api/v1/actions"]["get"]
    assert operation["operationId"] == "pontis_actions_api_action_list"
    assert [(p["name"], p["in"], p.get("required", False)) for p in operation["parameters"]] == [
        ("status", "query", False), ("region", "query", False), ("theme", "query", False), ("country", "query", False),
        ("year", "query", False), ("q", "query", False), ("limit", "query", False), ("offset", "query", False),
    ]
    content = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert content == {"$ref": "#/components/schemas/PagedActionOut"}
    paged = schema["components"]["schemas"]["PagedActionOut"]
    assert paged["properties"]["items"] == {"items": {"$ref": "#/components/schemas/ActionOut"}, "title": "Items",
                                            "type": "array"}
    assert paged["required"] == ["items", "count"]


def test_a_country_code_is_read_in_the_order_of_the_model(api_client, officer):
    action = make_action(officer, countries=("PE", "BR", "CV"))
    row = api_client(officer).get(URL).json()["items"][0]
    assert row["code"] == action.code
    assert row["countries"] == [c.code for c in Country.objects.filter(actions=action).order_by("code")] == ["BR", "CV", "PE"]
