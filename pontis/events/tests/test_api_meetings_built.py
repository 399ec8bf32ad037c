"""``GET /api/v1/meetings`` with its rows built in ``MeetingOut`` and its page answered as built
(``api_meetings_built``): the answer must be, byte for byte, the validated answer of the route as it is
(``api_agenda.meetings_list``: model instances shaped by ``_meeting``), for every reader, filter and page, in the
five languages, with hostile text. ``built_route()`` puts the built list in the route's place for the time of a
test, as ``api_agenda`` would declare it."""

from __future__ import annotations

import contextlib
import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import translation
from ninja import Query
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from config.api import api as root_api
from pontis.core.api_helpers import Paging, answered_as_built
from pontis.core.models import Country
from pontis.events import api_agenda, services
from pontis.events.api_meetings_built import BuiltMeetingRows
from pontis.events.models import Meeting
from pontis.events.selectors import meeting_hosts, meetings_for
from pontis.events.tests.factories import make_meeting
from pontis.events.tests.test_panels_services import make_panel
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings"
LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> & \"{{ x }}\" \\ back\u2028slash \u202eRTL\u200b 🚀"


@answered_as_built(api_agenda.router)
@paginate(Paging)
def _built_list(request, filters: Query[api_agenda.MeetingFilters]):
    queryset = meetings_for(request.user, kind=filters.kind or "", year=filters.year, region=filters.region or "",
                            panel=filters.panel or "", activity=filters.activity)
    return BuiltMeetingRows(queryset, api_agenda.MeetingOut)


def _list_operation():
    (operation,) = [op for op in api_agenda.router.path_operations["/meetings"].operations if "GET" in op.methods]
    return operation


@contextlib.contextmanager
def built_route():
    """The route ``GET /meetings`` answered by ``_built_list`` for the time of the block: in the router (where
    ``answered_as_built`` finds its page's schema) and in the operation the API serves (django-ninja serves a copy
    of the router's operations)."""
    resolve(URL)  # the API's URLs, and so its copies of the operations, exist before the route is replaced
    served = [op for bound in root_api._get_bound_routers() if bound.template is api_agenda.router
              for op in bound.path_operations["/meetings"].operations if "GET" in op.methods]
    assert served
    operations = [_list_operation(), *served]
    routes = [op.view_func for op in operations]
    for operation in operations:
        operation.view_func = _built_list
    try:
        yield
    finally:
        for operation, route in zip(operations, routes, strict=True):
            operation.view_func = route


def _validated_answer(user, *, limit: int = 50, offset: int = 0, **filters) -> bytes:
    """The answer as the route gave it: each meeting a model instance shaped by ``api_agenda._meeting``, the page
    validated by django-ninja in its ``Paged`` schema and written by its JSON renderer."""
    queryset = meetings_for(user, **filters)
    page = {"items": [api_agenda._meeting(m) for m in meeting_hosts(queryset[offset:offset + limit])],
            "count": queryset.count()}
    schema = _list_operation().response_models[200].model_fields["response"].annotation
    return json.dumps(schema.model_validate(page).model_dump(), cls=NinjaJSONEncoder).encode()


def _varied_meetings():
    panel, _programme, _by, _lt = make_panel(slug="api-built", access="members")
    meetings = [
        make_meeting(kind="panel_meeting", start=datetime.date(2019, 5, 6), country="PE", region="lac"),
        make_meeting(kind="round_table", start=datetime.date(2020, 1, 2), held=False),
        make_meeting(kind="online_consultation", start=datetime.date(2018, 2, 3), is_public=False),
        make_meeting(kind="panel_meeting", start=datetime.date(2021, 7, 8), days=1),
    ]
    first, second, _third, fourth = meetings
    services.meeting_update(meeting=first, by=None, panel=panel, host_countries=[
        Country.objects.get(code=code).pk for code in ("PE", "GE", "BR")])
    Meeting.objects.filter(pk=first.pk).update(title={"en": HOSTILE, "ru": "Встреча <b>жирный</b>"}, city=HOSTILE)
    Meeting.objects.filter(pk=second.pk).update(title={"fr": "Seulement en français « été »"}, country=None, city="")
    Meeting.objects.filter(pk=fourth.pk).update(title={}, time_zone="America/Lima")
    return panel, meetings


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_built_answer_is_the_validated_answer_byte_for_byte(api_client, language):
    panel, _meetings = _varied_meetings()
    officer, observer = user_with_role("officer"), user_with_role("observer")
    queries = {"": {}, "?limit=2&offset=1": {"limit": 2, "offset": 1}, "?kind=panel_meeting": {"kind": "panel_meeting"},
               "?year=2019": {"year": 2019}, f"?panel={panel.slug}": {"panel": panel.slug},
               "?region=lac": {"region": "lac"}, "?offset=40": {"offset": 40}}
    for reader in (officer, observer):
        client = api_client(reader)
        before = {query: client.get(URL + query, HTTP_ACCEPT_LANGUAGE=language) for query in queries}
        with built_route(), CaptureQueriesContext(connection) as built:
            after = {query: client.get(URL + query, HTTP_ACCEPT_LANGUAGE=language) for query in queries}
        assert not [q for q in built.captured_queries if '"events_meeting"."summary"' in q["sql"]]
        for query, filters in queries.items():
            assert after[query].status_code == before[query].status_code == 200
            assert after[query]["Content-Type"] == before[query]["Content-Type"] == "application/json; charset=utf-8"
            assert after[query].content == before[query].content, (language, query)
            with translation.override(language):
                assert after[query].content == _validated_answer(reader, **filters), (language, query)
    staff = api_client(officer).get(URL).json()
    assert staff["count"] == 4 and any(row["host_countries"] == ["BR", "GE", "PE"] for row in staff["items"])


def test_an_anonymous_reader_gets_the_same_public_meetings(client):
    _varied_meetings()
    before = client.get(URL)
    with built_route():
        after = client.get(URL)
    assert after.status_code == 200 and after.content == before.content
    assert before.json()["count"] == 3


def test_the_built_rows_are_what_validating_them_gives():
    _varied_meetings()
    rows = BuiltMeetingRows(meetings_for(user_with_role("officer")), api_agenda.MeetingOut)[0:50]
    assert len(rows) == 4
    for row in rows:
        assert isinstance(row, api_agenda.MeetingOut)
        assert api_agenda.MeetingOut.model_validate(row.model_dump()).model_dump() == row.model_dump()
        assert set(row.model_fields_set) == set(api_agenda.MeetingOut.model_fields)


def test_the_built_list_reads_the_same_queries_at_two_sizes_and_only_its_columns(api_client):
    client = api_client(user_with_role("officer"))
    _varied_meetings()

    def page_queries():
        with built_route(), CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    page_queries()  # the token's first use is written down once
    small = page_queries()
    for _i in range(8):
        services.meeting_update(meeting=make_meeting(), by=None, host_countries=[Country.objects.get(code="PE").pk])
    large = page_queries()
    assert len(small) == len(large)
    (listing,) = [sql for sql in large if 'FROM "events_meeting"' in sql and "LIMIT" in sql]
    for unread in ("summary", "notes", "organisers", "status_reason"):
        assert f'"events_meeting"."{unread}"' not in listing, (unread, listing)
