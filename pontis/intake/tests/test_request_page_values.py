"""The request's page reads the request, its related rows, its thread, its decisions and its consultations through
statements compiled once per worker: the same request and rows as the querysets they replace, the same access,
and the same HTML in the five languages with hostile text, for every kind of reader.

Before, on the stress data (officer, a submitted request): 40,400 Python calls, two thirds of them building and
compiling querysets and Django's prefetching of four lists.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pontis.accounts.services import role_grant
from pontis.core.models import Country, ThematicArea, Topic
from pontis.core.permissions import can, policy_for, visible_to
from pontis.intake import delegation, selectors, services
from pontis.intake.models import DelegationConsultation, Request
from tests.factories import InstitutionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = '<script>alert("x")</script>&amp; "q" \'a\' {{ obj.pk }} {% now "Y" %} \u202eRTL\u202c zero\u200bwidth'
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|name="idempotency_key" value=|"X-CSRFToken": )"[^"]*"')


def delegation_user(code):
    user = UserFactory()
    role_grant(user=user, role="delegation", country=Country.objects.get(code=code))
    user.forget_cached_roles()
    return user


# The reads the page made before, through the querysets the statements replace.

def before_request(pk):
    return selectors.request_detail_queryset().filter(pk=pk).first()


def before_comments(user, request):
    comments = list(request.comments.select_related("author"))
    return comments if can(user, "see_internal", request) else [c for c in comments if c.shared_with_requester]


def before_decisions(request):
    return [] if request.forwarded_at is None else list(request.decisions.select_related("decided_by"))


def before_consultations(user, request_obj):
    consultations = policy_for(DelegationConsultation).visible_on(user, request_obj).order_by("requested_at", "id")
    if not list(consultations):
        return []
    return list(consultations.select_related("country", "requested_by", "answered_by"))


@pytest.fixture
def hostile_requests(make_request, focal_point, institution, officer):
    """Requests in several states, with hostile text in their title (in French only: a fallback elsewhere), their
    answers, their institutions' names, the thread, a decision's reason and a Delegation's question."""
    institution.name = {"en": HOSTILE, "fr": f"{HOSTILE} fr"}
    institution.acronym = ""
    institution.save()
    other = InstitutionFactory(name={"en": "Other"}, acronym=f"Z{HOSTILE}"[:20])
    delegation_user("CV")
    themes = list(ThematicArea.objects.all()[:2])
    topics = list(Topic.objects.filter(theme__in=themes)[:3])
    countries = list(Country.objects.filter(code__in=["CV", "PE", "MA"]))
    made = []
    for status in ("draft", "submitted", "info_requested", "forwarded", "deferred", "rejected", "withdrawn"):
        request = make_request(status, title={"fr": HOSTILE}, problem=HOSTILE, objectives=f"{HOSTILE}\nline two",
                               institutions=[institution, other], countries=countries, themes=themes, topics=topics)
        if status not in ("draft", "withdrawn"):
            services.request_note(request=Request.objects.get(pk=request.pk), by=officer, body=HOSTILE)
        if status == "submitted":
            services.delegation_consult(request=Request.objects.get(pk=request.pk), by=officer,
                                        country=Country.objects.get(code="CV"), question=HOSTILE)
        made.append(Request.objects.get(pk=request.pk))
    made.append(make_request("draft", title="", institutions=[], countries=[], themes=[], topics=[]))
    return made


@pytest.fixture
def readers(focal_point, officer, committee_member):
    return {"focal_point": focal_point, "other_focal_point": user_with_role("focal_point"), "officer": officer,
            "committee": committee_member, "delegation": delegation_user("CV"), "other_delegation": delegation_user("PE"),
            "admin": user_with_role("admin"), "observer": user_with_role("observer")}


def _loaded(obj):
    """What the page reads of a loaded request: every column, the rows read with it and the prefetched lists."""
    return {
        "columns": {f.attname: getattr(obj, f.attname) for f in Request._meta.concrete_fields},
        "submitted_by": obj.submitted_by and obj.submitted_by.pk, "owner": obj.owner and obj.owner.pk,
        "action": obj.action.pk if getattr(obj, "action", None) else None,
        "countries": [(c.pk, c.code, c.name, c.region_id) for c in obj.countries.all()],
        "themes": [(t.pk, t.code, t.name) for t in obj.themes.all()],
        "topics": [(t.pk, t.code, t.theme_id) for t in obj.topics.all()],
        "institutions": [(i.pk, str(i), i.type.code, i.country.code) for i in obj.institutions.all()],
    }


def test_the_request_and_its_lists_are_those_of_the_queryset(hostile_requests):
    for request in hostile_requests:
        loaded = selectors.request_for_page(request.pk)
        with CaptureQueriesContext(connection) as captured:
            got = _loaded(loaded)
            # A queryset built on the loaded list asks the database, for this request only.
            assert loaded.countries.filter(pk__gt=0).count() == len(got["countries"])
        assert len(captured.captured_queries) == 1
        assert got == _loaded(before_request(request.pk))
    assert selectors.request_for_page(max(r.pk for r in hostile_requests) + 1000) is None
    assert selectors.request_for_page(2**70) is None


def test_the_thread_decisions_and_consultations_are_those_of_the_querysets(hostile_requests, readers):
    for request in hostile_requests:
        for user in readers.values():
            assert selectors.comments_for(user, request) == before_comments(user, request)
            if can(user, "view", request):
                got = delegation.consultations_for(user, request)
                assert got == before_consultations(user, request)
                assert [c.country.code for c in got] == [c.country.code for c in before_consultations(user, request)]
        assert selectors.decisions_of(request) == before_decisions(request)
    assert any(selectors.decisions_of(r) for r in hostile_requests)


def test_who_may_open_the_page_is_who_the_policy_lists(hostile_requests, readers):
    for name, user in readers.items():
        listed = set(visible_to(user, Request).values_list("pk", flat=True))
        client = Client()
        client.force_login(user)
        for request in hostile_requests:
            status = client.get(reverse("intake:detail", args=[request.pk])).status_code
            expected = (200 if request.pk in listed else 404) if can(user, "view", Request) else 403
            assert status == expected, (name, request.status)


def _page(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, VOLATILE.sub(r'\1""', response.content.decode())


def test_the_page_is_the_same_html_as_read_through_the_querysets(hostile_requests, readers, monkeypatch):
    shown = 0
    for name, language in (("focal_point", "en"), ("officer", "fr"), ("committee", "es"), ("delegation", "pt"),
                           ("admin", "ru"), ("officer", "ru"), ("focal_point", "pt"), ("officer", "en")):
        client = Client()
        client.force_login(readers[name])
        for request in hostile_requests:
            url = reverse("intake:detail", args=[request.pk])
            now = _page(client, url, language)
            with monkeypatch.context() as m:
                m.setattr(selectors, "request_row", before_request)
                m.setattr(selectors, "request_relations", lambda obj, **_kwargs: obj)  # loaded by the queryset
                m.setattr(selectors, "comments_for", before_comments)
                m.setattr(selectors, "decisions_of", before_decisions)
                m.setattr(delegation, "consultations_for", before_consultations)
                before = _page(client, url, language)
            assert now == before, (name, language, request.status)
            shown += now[0] == 200
            if now[0] == 200 and name == "officer" and request.status == "submitted":
                assert "&lt;script&gt;" in now[1] and "<script>alert" not in now[1]
    assert shown > 15


def test_the_requester_is_not_asked_again_whether_they_see_a_request_loaded_for_the_page(hostile_requests, readers):
    focal_point, other = readers["focal_point"], readers["other_focal_point"]
    for user in (focal_point, other):
        user.role_codes  # noqa: B018 - the roles are read once per person, before what is counted
        user.focal_institution_ids  # noqa: B018
    for request in hostile_requests:
        loaded = selectors.request_for_page(request.pk)
        with CaptureQueriesContext(connection) as captured:
            assert can(focal_point, "view", loaded)
        assert captured.captured_queries == []
        assert not can(other, "view", loaded)  # a "no" is asked of the database
        # Without its institutions loaded, the policy asks the database (and answers the same).
        assert can(focal_point, "view", Request.objects.get(pk=request.pk))


def _page_trips(client, request):
    """(round trips of the request's page, the most statements one of them carried)."""
    calls = []

    def counted(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        response = client.get(reverse("intake:detail", args=[request.pk]))
    assert response.status_code == 200
    return len(calls), max(sql.count(";\n") + 1 for sql in calls)


def test_after_the_request_the_page_reads_in_one_round_trip_on_postgresql_and_never_another_requests_rows(
        make_request, officer, institution):
    client = Client()
    client.force_login(officer)
    first, second = (make_request("submitted", title={"en": f"Request {k}"}, institutions=[institution])
                     for k in range(2))
    services.request_note(request=Request.objects.get(pk=second.pk), by=officer, body="Only on the second one")
    _page_trips(client, first)  # the statements kept, and which ones the page asks noted
    trips, at_once = _page_trips(client, second)  # another request's page: its own rows, read ahead
    page = client.get(reverse("intake:detail", args=[first.pk])).content.decode()
    assert "Only on the second one" not in page
    assert "Only on the second one" in client.get(reverse("intake:detail", args=[second.pk])).content.decode()
    for _more in range(3):  # at a larger size: the same round trips
        services.request_note(request=Request.objects.get(pk=second.pk), by=officer, body="More")
    assert _page_trips(client, second) == (trips, at_once)
    if connection.vendor == "postgresql":
        # The lists, thread, panels, follow button and unread news after the request's own row, together.
        assert at_once >= 6, at_once
    else:
        assert at_once == 1
