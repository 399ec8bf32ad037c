"""The request page, the request list and the requests at risk at stress size: what they read and build.

Before: the request page asked the database three times whether the reader could see the request (the page, its
follow button, the Delegation's panel), read the thread and the decisions also for the API, and read the names of
the countries and types named by the eligibility checks again; list rows were rendered through a template loop and
``get_status_display`` (which builds the list of every status on each call), reading whole requests and Actions.
"""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from pontis.accounts.services import role_grant
from pontis.core.models import Country
from pontis.core.permissions import can, get_visible_or_404, policy_for, visible_to
from pontis.intake import selectors, services
from pontis.intake.eligibility import eligibility_messages
from pontis.intake.models import DelegationConsultation, Request, RequestStatus
from pontis.intake.views import clock_html, list_row_html, request_name_html, risk_row_html
from tests.factories import InstitutionFactory, UserFactory, user_with_role
from tests.queries import assert_flat, count_queries

LANGUAGES = ("en", "fr", "es", "pt", "ru")

pytestmark = pytest.mark.django_db


def delegation_user(code):
    user = UserFactory()
    role_grant(user=user, role="delegation", country=Country.objects.get(code=code))
    user.forget_cached_roles()
    return user


@pytest.fixture
def people(focal_point, officer, committee_member):
    other_focal_point = user_with_role("focal_point", institution=InstitutionFactory())
    return [focal_point, other_focal_point, officer, committee_member, delegation_user("CV"), delegation_user("PE"),
            user_with_role("admin"), user_with_role("observer")]


@pytest.fixture
def requests_in_each_state(make_request):
    return [make_request(status) for status in ("draft", "submitted", "info_requested", "forwarded", "deferred",
                                                "rejected", "rejected_at_screening", "withdrawn")]


def test_may_see_a_request_is_what_the_policy_lists_for_every_role(people, requests_in_each_state):
    for user in people:
        listed = set(visible_to(user, Request).values_list("pk", flat=True))
        for request in requests_in_each_state:
            loaded = Request.objects.get(pk=request.pk)
            assert can(user, "view", loaded) is (request.pk in listed), (user, request.status)


def test_staff_and_the_committee_are_not_asked_again_whether_they_see_a_loaded_request(
        officer, committee_member, make_request):
    forwarded = make_request("forwarded")
    for user in (officer, committee_member):
        user.role_codes  # noqa: B018 - the roles are read once per person, before what is counted
        loaded = get_visible_or_404(user, selectors.request_detail_queryset(), pk=forwarded.pk)
        with CaptureQueriesContext(connection) as captured:
            assert can(user, "view", loaded) and can(user, "follow", loaded)
        assert captured.captured_queries == []


def test_the_consultations_on_a_request_are_those_the_policy_lists(people, make_request, officer):
    request = make_request("submitted")
    services.delegation_consult(request=request, by=officer, country=Country.objects.get(code="CV"), question="?")
    other = make_request("submitted", countries=[Country.objects.get(code="PE")])
    services.delegation_consult(request=other, by=officer, country=Country.objects.get(code="PE"), question="?")
    for user in people:
        for obj in (request, other):
            expected = set(visible_to(user, DelegationConsultation).filter(request=obj).values_list("pk", flat=True))
            got = set(policy_for(DelegationConsultation).visible_on(user, obj).values_list("pk", flat=True))
            assert got == expected, user
    assert policy_for(DelegationConsultation).visible_on(officer, request).count() == 1


def test_decisions_are_read_only_for_a_request_that_reached_the_committee(make_request):
    submitted = make_request("submitted")
    with CaptureQueriesContext(connection) as captured:
        assert selectors.decisions_of(submitted) == []
    assert captured.captured_queries == []
    deferred = make_request("deferred")
    assert [d.outcome for d in selectors.decisions_of(deferred)] == ["defer"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_eligibility_is_said_with_the_names_loaded_with_the_request(make_request, language):
    request = make_request("submitted")
    assert request.eligibility
    loaded = selectors.request_detail_queryset().get(pk=request.pk)
    with translation.override(language):
        expected = eligibility_messages(Request.objects.get(pk=request.pk))  # names read from their tables
        with CaptureQueriesContext(connection) as captured:
            assert eligibility_messages(loaded) == expected
        assert captured.captured_queries == []
        assert str(loaded.countries.get()) in expected[0][1]


def test_the_request_page_reads_the_same_queries_with_more_messages_decisions_and_consultations(
        client, make_request, officer):
    request = make_request("forwarded")
    member = user_with_role("committee")
    cv = Country.objects.get(code="CV")
    delegation_user("CV")  # a Delegation must exist to be asked
    services.request_note(request=request, by=officer, body="First note.")
    services.delegation_consult(request=request, by=officer, country=cv, question="Your view?")
    url = reverse("intake:detail", args=[request.pk])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200 and len(response.context["comments"]) == 1

    for k in range(4):
        services.request_note(request=request, by=user_with_role("officer"), body=f"Note {k}.")
    consultation = DelegationConsultation.objects.get(request=request)
    DelegationConsultation.objects.filter(pk=consultation.pk).update(opinion="Fine.", answered_at=timezone.now(),
                                                                     answered_by=user_with_role("officer"))
    DelegationConsultation.objects.create(request=request, country=Country.objects.get(code="SN"), question="And?",
                                          requested_by=user_with_role("officer"))
    request.countries.add(Country.objects.get(code="SN"), Country.objects.get(code="MA"))
    services.request_defer(request=Request.objects.get(pk=request.pk), by=member, reason="Later.")
    large, response = count_queries(lambda: client.get(url))
    html = response.content.decode()
    assert len(response.context["comments"]) == 5 and len(response.context["decisions"]) == 1
    assert "Note 3." in html and "Fine." in html and "Later." in html
    assert_flat(small, large)


def _rows_of_every_kind(make_request):
    titled = make_request("submitted")
    untitled = make_request("submitted")
    Request.objects.filter(pk=untitled.pk).update(title={})
    odd = make_request("submitted", title={"fr": "Gestion <des> « frontières » & co"})
    Request.objects.filter(pk=odd.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=80))
    draft = make_request("draft", title={})
    return [Request.objects.get(pk=r.pk) for r in (titled, untitled, odd, draft)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_list_row_is_what_the_row_template_renders(make_request, language):
    requests = _rows_of_every_kind(make_request)
    with translation.override(language):
        for r, action_code in zip(requests, ("2024-01", "", "<b>", ""), strict=True):
            row = {"url": reverse("intake:detail", args=[r.pk]), "name": request_name_html(r),
                   "institutions": "AB & <C>", "countries": "Cabo Verde, Pérou", "themes": "—",
                   "status": selectors.status_label(r.status), "action_code": action_code,
                   "submitted": "—", "clock": clock_html(selectors.clock(r))}
            assert list_row_html(row) == render_to_string("intake/_list_row.html", {"row": row})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_row_at_risk_is_what_the_row_template_renders(make_request, language):
    requests = _rows_of_every_kind(make_request)
    with translation.override(language):
        for r in requests:
            row = {"url": reverse("intake:detail", args=[r.pk]), "title": request_name_html(r),
                   "status": selectors.status_label(r.status), "why": "Waiting <for> “you” & them",
                   "clock_badge": clock_html(selectors.clock(r))}
            assert risk_row_html(row) == render_to_string("intake/_risk_row.html", {"row": row})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_status_is_named_as_the_model_names_it(language):
    with translation.override(language):
        for status in RequestStatus.values:
            assert selectors.status_label(status) == Request(status=status).get_status_display()


def test_the_list_shows_the_rows_as_built_and_reads_only_what_they_show(client, make_request, officer):
    requests = _rows_of_every_kind(make_request)[:3]
    client.force_login(officer)
    response = client.get(reverse("intake:list"))
    html = response.content.decode()
    for row in response.context["rows"]:
        assert row["html"] in html
    assert {row["request"].pk for row in response.context["rows"]} == {r.pk for r in requests}
    # A row is read as the values it shows, not as a request with its texts, letter and eligibility checks.
    listed = response.context["rows"][0]["request"]
    assert set(listed._fields) == {"pk", "title", "status", "created_at", "submitted_at", "decided_at", "action__code"}
