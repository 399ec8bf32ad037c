"""Hostile text in every text field of the forms and the API bodies: stored or refused cleanly, always escaped.

The values come from a Hypothesis strategy that joins pieces attackers use (script tags and event handlers, SQL
fragments, Django template syntax, right-to-left overrides and zero-width characters, NUL, a lone surrogate, a
100,000-character string, text in other scripts). Four of them are always sent (``@example``); Hypothesis adds a
few more, derandomised so every run sends the same ones.

For each value and field: the answer is never a 5xx; a refusal (a 4xx, or the form again with its errors) changed
nothing in the database; a stored value is shown escaped on the object's page (the raw ``<script>`` marker never
appears) and returned unchanged by the API. Forms are posted as a browser posts them, except that text is
encoded with ``surrogatepass``: a lone surrogate arrives as the bytes an attacker would send.

tests/test_api_bounds.py and tests/test_api_schemathesis.py cover the API's bounds and status codes in general;
this file is about what text does once it is in.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pontis.accounts.models import ApiToken, Institution, User
from pontis.actions.models import Activity, FicheComment, FicheVersion
from pontis.actions.tests.factories import make_action
from pontis.core.models import Country, ThematicArea
from pontis.experts.models import ExpertProfile
from pontis.intake.models import Request
from pontis.intake.tests.conftest import complete_data

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("pontis-xss")</script>'
HANDLER = '<img src=x onerror=alert("pontis-xss")>'
# Evaluated, the first tag would print "pontis-evaluated"; a number (7778) also turned up by chance inside random
# hexadecimal tokens of the page (idempotency keys), so the marker is a word no token can hold.
TEMPLATE = "{{ 'pontis'|add:'-evaluated' }}{% now 'Y' %}{% debug %}"
PIECES = [
    SCRIPT, HANDLER, TEMPLATE, "'; DROP TABLE intake_request; --", '" OR "1"="1', "\\x00", "%00", "../../etc/passwd",
    "\u202eevil\u202c", "\u200b\u200c\u200d\ufeff", "\u0000", "\ud800", "\udfff", "Ñandú 東京 مرحبا Ελλάδα",
    "\r\n\t", "javascript:alert(1)", "&lt;script&gt;", "]]><!--", "\U0001f600",
]
LONG = "A" * 100_000
EXAMPLES = [SCRIPT + TEMPLATE + "\u202e'; DROP TABLE x; --\u200b", "before\u0000after", "half \ud800 pair", LONG]
MAX_EXAMPLES = 3  # generated ones, on top of the four EXAMPLES


def hostile_text():
    return st.one_of(
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join),
        st.text(alphabet=st.characters(codec=None, categories=("Cc", "Cf", "Cs", "Lo", "Po", "Sm")), min_size=1,
                max_size=40).map(lambda t: SCRIPT + t),
    )


def hostile(test):
    """Run ``test(value)`` for the four examples and a few generated values."""
    for value in reversed(EXAMPLES):
        test = example(value=value)(test)
    return settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))(given(value=hostile_text())(test))


# ---------------------------------------------------------------- posting and checking


def form_body(data: dict) -> bytes:
    """``application/x-www-form-urlencoded`` as a browser sends it; a lone surrogate goes as its raw bytes."""
    pairs = []
    for key, values in data.items():
        for item in values if isinstance(values, (list, tuple)) else [values]:
            pairs.append(f"{quote_plus(key)}={quote_plus(str(item).encode('utf-8', 'surrogatepass'))}")
    return "&".join(pairs).encode("ascii")


def post_form(client, url, data):
    return client.post(url, form_body(data), content_type="application/x-www-form-urlencoded")


def get_form(client, url, data):
    return client.get(f"{url}?{form_body(data).decode()}")


def send_json(client, method, url, data):
    body = json.dumps(data, ensure_ascii=True)  # a lone surrogate travels as the escape \ud800
    return getattr(client, method)(url, body.encode("ascii"), content_type="application/json")


def assert_escaped(html: str):
    assert "<script>alert" not in html, "a stored <script> was rendered unescaped"
    assert "<img src=x onerror" not in html, "a stored event handler was rendered unescaped"
    assert "pontis-evaluated" not in html, "stored template syntax was evaluated"


def assert_not_server_error(response):
    assert response.status_code < 500, response.content[:500]


@dataclass
class Point:
    """One form or API body: where it posts, what a valid submission is, what it changes, where it shows."""

    url: str
    data: object  # callable(field, value) -> dict
    client: Client
    snapshot: object  # callable() -> comparable state of what the point may change
    pages: object = None  # callable() -> URLs of the pages that show the stored object (HTML)
    api: object = None  # callable() -> URLs of API routes that return the stored object (JSON)
    method: str = "post"
    fields: list = field(default_factory=list)
    viewer: Client | None = None  # who looks at the pages, when not the one who posted


def check_point(point: Point, name: str, value: str):
    before = point.snapshot()
    data = point.data(name, value)
    if point.method == "json":
        response = send_json(point.client, "post", point.url, data)
    elif point.method == "json-patch":
        response = send_json(point.client, "patch", point.url, data)
    else:
        response = post_form(point.client, point.url, data)
    assert_not_server_error(response)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_escaped(response.content.decode())  # the form shown again echoes the value: escaped
    after = point.snapshot()
    if after == before:
        return  # refused (or unchanged): nothing was written
    assert response.status_code in (200, 201, 302), response.status_code
    for url in point.pages() if point.pages else []:
        page = (point.viewer or point.client).get(url)
        assert page.status_code == 200, url
        assert_escaped(page.content.decode())
    for url in point.api() if point.api else []:
        answer = (point.viewer or point.client).get(url)
        # JSON, never sniffed as HTML: the text comes back as data, with the stored value intact.
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json"), url
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert isinstance(answer.json(), dict)


def rows(queryset, *fields):
    return list(queryset.order_by("pk").values_list(*fields)) if fields else list(queryset.order_by("pk").values())


# ---------------------------------------------------------------- the points


def _registration(client, officer, **_):
    staff = Client()
    staff.force_login(officer)
    emails = iter(f"hostile{n}@example.org" for n in range(10_000))

    def data(name, value):
        cache.clear()  # the per-address limit on registrations
        return {"email": next(emails), "given_name": "Nadia", "family_name": "Benali", "gender": "female",
                "nationality": Country.objects.get(code="MA").pk, "background": "non_government_organisation",
                "themes": [ThematicArea.objects.get(code="legal").pk], "consent": "on",
                "lang-TOTAL_FORMS": "1", "lang-INITIAL_FORMS": "0", "lang-MIN_NUM_FORMS": "0",
                "lang-MAX_NUM_FORMS": "12", "lang-0-language": "", "lang-0-level": "", name: value}

    return Point(url=reverse("experts:register"), data=data, client=client,
                 snapshot=lambda: rows(ExpertProfile.objects.all()),
                 pages=lambda: [reverse("experts:profile", args=[ExpertProfile.objects.latest("pk").pk])], viewer=staff,
                 fields=["given_name", "family_name", "institution_name", "biography", "references"])


REQUEST_TEXTS = ["problem", "objectives", "target_groups", "preferred_timing", "other_actors",
                 "endorsement_official_name", "endorsement_official_position"]


def _request_draft(client, focal_point, institution, **_):
    client.force_login(focal_point)

    def data(name, value):
        return {"client_token": str(uuid.uuid4()), "language": "en", "institutions": [institution.pk],
                "title_en": "Border training", name: value}

    return Point(url=reverse("intake:create"), data=data, client=client,
                 snapshot=lambda: rows(Request.objects.all()),
                 pages=lambda: [reverse("intake:detail", args=[Request.objects.latest("pk").pk])],
                 api=lambda: [f"/api/v1/requests/{Request.objects.latest('pk').pk}"],
                 fields=[*REQUEST_TEXTS, "title_en", "title_fr", "title__other"])


def _submitted(focal_point, institution):
    from pontis.intake import services

    request = services.request_save_draft(by=focal_point, data=complete_data(institution))
    services.request_submit(request=request, by=focal_point)
    return request


def _request_transition(client, officer, focal_point, institution, *, route, by):
    request = _submitted(focal_point, institution)
    person = officer if by == "officer" else focal_point
    client.force_login(person)

    def data(name, value):
        return {"idempotency_key": uuid.uuid4().hex, name: value}

    def snapshot():
        request.refresh_from_db()
        return (request.status, rows(request.comments.all()) if hasattr(request, "comments") else None,
                rows(Request.objects.filter(pk=request.pk)))

    return Point(url=reverse(f"intake:{route}", args=[request.pk]), data=data, client=client, snapshot=snapshot,
                 pages=lambda: [reverse("intake:detail", args=[request.pk])])


def _request_note(client, officer, focal_point, institution, **_):
    point = _request_transition(client, officer, focal_point, institution, route="note", by="officer")
    point.fields = ["body"]
    return point


def _request_ask_info(client, officer, focal_point, institution, **_):
    point = _request_transition(client, officer, focal_point, institution, route="ask_info", by="officer")
    point.fields = ["question"]
    return point


def _request_reject(client, officer, focal_point, institution, **_):
    point = _request_transition(client, officer, focal_point, institution, route="reject", by="officer")
    point.fields = ["reason"]
    unconfirmed = point.data
    point.data = lambda name, value: {**unconfirmed(name, value), "confirmed": "1"}  # past the confirmation page
    return point


def _request_withdraw(client, officer, focal_point, institution, **_):
    point = _request_transition(client, officer, focal_point, institution, route="withdraw", by="focal_point")
    point.fields = ["reason"]
    unconfirmed = point.data
    point.data = lambda name, value: {**unconfirmed(name, value), "confirmed": "1"}  # past the confirmation page
    return point


def _fiche(client, officer, focal_point, institution, *, op):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    client.force_login(officer)
    version = action.fiche_versions.order_by("-number").first()

    def data(name, value):
        base = {"op": op, "idempotency_key": uuid.uuid4().hex, "row_count": "1", "act-0-title": "Workshop"}
        if op == "save":
            base.update({key: "Text" for key in ("context", "overall_objective")})
        return {**base, name: value}

    return Point(url=reverse("actions:fiche", args=[action.code]) + f"?v={version.number}", data=data,
                 client=client,
                 snapshot=lambda: (rows(FicheVersion.objects.filter(action=action)), rows(FicheComment.objects.all())),
                 pages=lambda: [reverse("actions:fiche", args=[action.code]), reverse("actions:detail", args=[action.code])])


def _fiche_comment(client, officer, focal_point, institution, **_):
    point = _fiche(client, officer, focal_point, institution, op="comment")
    point.fields = ["body"]
    return point


def _fiche_comment_committee(client, officer, focal_point, institution, **_):
    from tests.factories import user_with_role

    point = _fiche(client, officer, focal_point, institution, op="comment")
    client.force_login(user_with_role("committee"))  # the committee comments on the draft; staff read it
    point.viewer = Client()
    point.viewer.force_login(officer)
    point.fields = ["body"]
    return point


def _fiche_save(client, officer, focal_point, institution, **_):
    point = _fiche(client, officer, focal_point, institution, op="save")
    point.fields = ["context", "risks", "act-0-title", "act-0-place"]
    return point


def _activity_create(client, officer, focal_point, institution, **_):
    from pontis.core.models import ActivityType

    action = make_action(officer, focal_point=focal_point, institution=institution)
    client.force_login(officer)
    kind = ActivityType.objects.filter(is_active=True).first()

    def data(name, value):
        return {"idempotency_key": uuid.uuid4().hex, "type": kind.pk, "title_en": "Workshop", name: value}

    return Point(url=reverse("actions:activity_create", args=[action.code]), data=data, client=client,
                 snapshot=lambda: rows(Activity.objects.filter(action=action)),
                 pages=lambda: [reverse("actions:activity", args=[action.code, Activity.objects.latest("pk").pk]),
                                reverse("actions:detail", args=[action.code])],
                 fields=["place", "expert_profile", "title_en", "title__other"])


def _account_profile(client, focal_point, **_):
    client.force_login(focal_point)

    def data(name, value):
        return {"given_name": "Ana", "family_name": "Silva", "position": "", "phone": "", "language": "en", name: value}

    return Point(url=reverse("accounts:profile"), data=data, client=client,
                 snapshot=lambda: rows(User.objects.filter(pk=focal_point.pk)),
                 pages=lambda: [reverse("accounts:profile")],
                 fields=["given_name", "family_name", "position", "phone"])


def _token(client, focal_point, **_):
    client.force_login(focal_point)
    return Point(url=reverse("accounts:token_create"), data=lambda name, value: {name: value}, client=client,
                 snapshot=lambda: rows(ApiToken.objects.all(), "pk", "name"),
                 pages=lambda: [reverse("accounts:profile")], fields=["name"])


def _institution(client, admin_user, **_):
    from pontis.core.models import AuthorityType

    client.force_login(admin_user)
    kind = AuthorityType.objects.first()

    def data(name, value):
        return {"idempotency_key": uuid.uuid4().hex, "name_en": "Ministry", "acronym": "MIN", "type": kind.pk,
                "country": Country.objects.get(code="CV").pk, name: value}

    return Point(url=reverse("accounts:institution_create"), data=data, client=client,
                 snapshot=lambda: rows(Institution.objects.all()),
                 pages=lambda: [reverse("accounts:institution", args=[Institution.objects.latest("pk").pk])],
                 fields=["name_en", "acronym", "name__other"])


def _api_request_create(client, focal_point, institution, api_client, **_):
    client.force_login(focal_point)

    def data(name, value):
        return {"idempotency_key": uuid.uuid4().hex, "title": "Border training", "institutions": [institution.pk],
                name: value}

    return Point(url="/api/v1/requests", data=data, client=api_client(focal_point), method="json",
                 snapshot=lambda: rows(Request.objects.all()), viewer=client,
                 pages=lambda: [reverse("intake:detail", args=[Request.objects.latest("pk").pk])],
                 api=lambda: [f"/api/v1/requests/{Request.objects.latest('pk').pk}"],
                 fields=["title", *REQUEST_TEXTS])


def _api_request_patch(client, focal_point, institution, api_client, **_):
    from pontis.intake import services

    request = services.request_save_draft(by=focal_point, data=complete_data(institution))
    client.force_login(focal_point)
    return Point(url=f"/api/v1/requests/{request.pk}", data=lambda name, value: {name: value},
                 client=api_client(focal_point), method="json-patch", viewer=client,
                 snapshot=lambda: rows(Request.objects.filter(pk=request.pk)),
                 pages=lambda: [reverse("intake:detail", args=[request.pk])],
                 api=lambda: [f"/api/v1/requests/{request.pk}"], fields=["title", *REQUEST_TEXTS])


def _api_request_note(client, officer, focal_point, institution, api_client, **_):
    request = _submitted(focal_point, institution)
    client.force_login(officer)
    return Point(url=f"/api/v1/requests/{request.pk}/notes", client=api_client(officer), method="json",
                 data=lambda name, value: {"idempotency_key": uuid.uuid4().hex, name: value}, viewer=client,
                 snapshot=lambda: rows(request.comments.all()),
                 pages=lambda: [reverse("intake:detail", args=[request.pk])], fields=["body"])


def _api_activity(client, officer, focal_point, institution, api_client, **_):
    from pontis.actions.tests.factories import agreed_action

    action = agreed_action(officer, focal_point, institution)
    client.force_login(officer)

    def data(name, value):
        base = {"action": action.code, "type": "workshop", "title": {"en": "Workshop"},
                "idempotency_key": uuid.uuid4().hex}
        return {**base, name: {"en": value, "fr": value} if name == "title" else value}

    return Point(url="/api/v1/activities", data=data, client=api_client(officer), method="json", viewer=client,
                 snapshot=lambda: rows(Activity.objects.filter(action=action)),
                 pages=lambda: [reverse("actions:activity", args=[action.code, Activity.objects.latest("pk").pk]),
                                reverse("actions:detail", args=[action.code])],
                 api=lambda: [f"/api/v1/activities/{Activity.objects.latest('pk').pk}"],
                 fields=["title", "place", "expert_profile"])


def _delegation(code="CV"):
    from pontis.accounts.services import role_grant
    from tests.factories import UserFactory

    person = UserFactory()
    role_grant(user=person, role="delegation", country=Country.objects.get(code=code))
    return person


def _delegation_question(client, officer, focal_point, institution, **_):
    from django.utils import timezone

    from pontis.intake.models import DelegationConsultation

    request = _submitted(focal_point, institution)
    _delegation()
    client.force_login(officer)

    def data(name, value):
        # Each value is a new question: the one asked before is closed (its question stays, for the snapshot).
        DelegationConsultation.objects.filter(request=request, answered_at__isnull=True).update(
            opinion="Answered.", answered_at=timezone.now())
        return {"country": request.countries.get().pk, name: value}

    return Point(url=reverse("intake:consult", args=[request.pk]), data=data, client=client,
                 snapshot=lambda: rows(DelegationConsultation.objects.filter(request=request), "question"),
                 pages=lambda: [reverse("intake:detail", args=[request.pk])], fields=["question"])


def _delegation_opinion(client, officer, focal_point, institution, **_):
    from pontis.intake import services
    from pontis.intake.models import DelegationConsultation

    request = _submitted(focal_point, institution)
    delegation = _delegation()
    consultation = services.delegation_consult(request=request, by=officer)
    client.force_login(delegation)
    staff = Client()
    staff.force_login(officer)

    def data(name, value):  # each value answers the consultation afresh (it is answered once)
        DelegationConsultation.objects.filter(pk=consultation.pk).update(opinion="", answered_at=None, answered_by=None)
        return {name: value}

    def snapshot():  # the opinions recorded so far, as the audit trail holds them (the reset above writes none)
        from pontis.core.models import AuditEvent

        return rows(AuditEvent.objects.for_object(consultation), "action", "changes")

    return Point(url=reverse("intake:opinion", args=[consultation.pk]), data=data, client=client, snapshot=snapshot,
                 pages=lambda: [reverse("intake:detail", args=[request.pk]),
                                reverse("intake:opinion", args=[consultation.pk])],
                 viewer=staff, fields=["opinion"])


POINTS = {
    "API: request create": _api_request_create,
    "API: request change": _api_request_patch,
    "API: request note": _api_request_note,
    "API: activity create": _api_activity,
    "expert registration (anonymous)": _registration,
    "request draft": _request_draft,
    "request note": _request_note,
    "request question": _request_ask_info,
    "request rejection": _request_reject,
    "request withdrawal": _request_withdraw,
    "EU Delegation consulted (question)": _delegation_question,
    "EU Delegation's opinion": _delegation_opinion,
    "fiche comment": _fiche_comment,
    "fiche comment (committee)": _fiche_comment_committee,
    "fiche editor": _fiche_save,
    "activity": _activity_create,
    "account profile": _account_profile,
    "API token name": _token,
    "institution": _institution,
}


@pytest.mark.parametrize("name", POINTS)
def test_hostile_text_in_every_form_field_and_api_body_is_stored_escaped_or_refused(
        name, client, officer, focal_point, institution, admin_user, api_client):
    point = POINTS[name](client=client, officer=officer, focal_point=focal_point, institution=institution,
                         admin_user=admin_user, api_client=api_client)
    assert point.fields

    @hostile
    def run(value):
        for field_name in point.fields:
            check_point(point, field_name, value)

    run()


def test_hostile_text_in_every_search_box_answers_a_page(client, officer):
    client.force_login(officer)

    @hostile
    def run(value):
        for url in (reverse("intake:list"), reverse("actions:list"), reverse("experts:roster"),
                    reverse("accounts:people"), reverse("accounts:institutions")):
            response = get_form(client, url, {"q": value})
            assert_not_server_error(response)
            if response.status_code == 200:
                assert_escaped(response.content.decode())

    run()


# ---------------------------------------------------------------- the defects these tests found, one test each


def test_a_nul_in_a_value_read_without_a_form_is_refused_before_the_view_writes(client, officer, focal_point,
                                                                               institution):
    # Found on PostgreSQL: the note, the request's transitions and the Action Fiche editor read request.POST
    # directly, so a NUL reached the database: 500 "PostgreSQL text fields cannot contain NUL (0x00) bytes"
    # (SQLite stored it). Now refused on both databases, with the reason, before any view runs.
    request = _submitted(focal_point, institution)
    client.force_login(officer)
    comments = request.comments.count()

    response = post_form(client, reverse("intake:note", args=[request.pk]), {"body": "before\x00after"})

    assert response.status_code == 400
    assert "holds a NUL character" in response.content.decode()
    assert request.comments.count() == comments


def test_a_nul_in_a_query_string_or_a_url_is_refused(client, officer, api_client):
    client.force_login(officer)

    assert client.get(reverse("accounts:institutions") + "?country=CV%00").status_code == 400
    assert client.get("/actions/2026%0001/").status_code == 400
    answer = api_client(officer).get("/api/v1/actions?region=eu%00")
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"


@pytest.mark.parametrize("smuggled", ['{"de": "Grenz\\u0000schutz"}', '{"de": "Grenz\\ud800schutz"}'])
def test_a_translated_text_cannot_smuggle_unstorable_characters_as_json_escapes(client, focal_point, institution,
                                                                                smuggled):
    # The hidden input that carries other languages through an edit is JSON: "\u0000" and "\ud800" passed the
    # form's own NUL check and reached the database (PostgreSQL: 500 "unsupported Unicode escape sequence").
    client.force_login(focal_point)
    data = {"client_token": str(uuid.uuid4()), "language": "en", "institutions": [institution.pk],
            "title_en": "Border training", "title__other": smuggled}

    response = post_form(client, reverse("intake:create"), data)

    assert response.status_code == 200
    assert "cannot be stored" in response.content.decode()
    assert Request.objects.count() == 0


def test_an_over_long_search_is_a_message_not_a_database_error(client, officer):
    # Found on SQLite: 100,000 characters in the people search answered 503 "LIKE or GLOB pattern too complex"
    # (SQLite's limit is 50,000 bytes). Every search box is now the core SearchField (200 characters at most).
    client.force_login(officer)

    for url in (reverse("accounts:people"), reverse("accounts:institutions"), reverse("intake:list"),
                reverse("actions:list"), reverse("experts:roster")):
        response = client.get(url, {"q": LONG})
        assert response.status_code == 200, url
        assert "at most 200 characters" in response.content.decode(), url
