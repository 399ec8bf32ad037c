"""GET /api/v1/portal/actions and /api/v1/portal/actions/{slug}: anonymous callers welcome, published Actions only,
only the parts the partner agreed to publish."""

import pytest
from django.test import Client

from pontis.knowledge import portal
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .portal_factories import library_item, publish_action

pytestmark = pytest.mark.django_db

LIST = "/api/v1/portal/actions"


def _detail(slug):
    return f"{LIST}/{slug}"


def test_anonymous_callers_get_published_actions_only(client, officer):
    shown = publish_action(officer, slug="shown")
    publish_action(officer, published=False, slug="unpublished")
    withdrawn = publish_action(officer, slug="withdrawn")
    portal.published_action_unpublish(published=withdrawn, by=officer)

    body = client.get(LIST).json()

    assert body["count"] == 1 and [row["slug"] for row in body["items"]] == [shown.slug]
    assert client.get(_detail("shown")).status_code == 200
    assert client.get(_detail("unpublished")).status_code == 404
    assert client.get(_detail("withdrawn")).status_code == 404


def test_staff_callers_get_the_same_published_actions_only(api_client, officer):
    publish_action(officer, published=False, slug="unpublished")
    staff = api_client(officer)

    assert staff.get(LIST).json()["count"] == 0
    assert staff.get(_detail("unpublished")).status_code == 404


def test_the_detail_answers_only_agreed_parts(client, officer):
    institution = InstitutionFactory(acronym="DGM")
    focal = user_with_role("focal_point", institution=institution, given_name="Zacarias", family_name="Quispe")
    pa = publish_action(officer, institution=institution, focal_point=focal, slug="agreed")
    library_item(title={"en": "Public case"}, actions=[pa.action])
    library_item(title={"en": "Staff case"}, visibility="staff", actions=[pa.action])

    body = client.get(_detail("agreed")).json()

    assert [p["acronym"] for p in body["partners"]] == ["DGM"]
    assert {a["place"] for a in body["activities"]} == {"Praia"}
    assert [i["title"] for i in body["library_items"]] == [{"en": "Public case"}]
    assert "Zacarias" not in str(body) and "Quispe" not in str(body) and "Director General" not in str(body)

    portal.published_action_save(action=pa.action, by=officer, slug="agreed", summary=pa.summary,
                                 show_partners=False, show_activities=False, partner_agreed_by="x",
                                 partner_agreed_on=pa.partner_agreed_on)
    body = client.get(_detail("agreed")).json()
    assert (body["partners"], body["activities"]) == ([], [])


def test_the_list_filters(client, officer):
    publish_action(officer, countries=("CV",), slug="cv")
    publish_action(officer, countries=("PE",), themes=("protection",), slug="pe")

    assert [r["slug"] for r in client.get(LIST, {"country": "PE"}).json()["items"]] == ["pe"]
    assert [r["slug"] for r in client.get(LIST, {"theme": "legal"}).json()["items"]] == ["cv"]
    assert client.get(LIST, {"year": "0"}).status_code == 422


def test_an_invalid_token_is_refused_not_treated_as_anonymous(officer):
    publish_action(officer)

    assert Client(headers={"Authorization": "Bearer pnt_wrong"}).get(LIST).status_code == 401


def test_a_malformed_slug_is_refused(client):
    assert client.get(_detail("bad slug!")).status_code in (404, 422)


def test_the_list_costs_the_same_queries_at_two_sizes(client, officer):
    publish_action(officer, countries=("CV", "SN"))
    small, _response = count_queries(lambda: client.get(LIST))
    for _ in range(6):
        publish_action(officer, countries=("PE", "CV"))
    large, response = count_queries(lambda: client.get(LIST))

    assert response.json()["count"] == 7
    assert_flat(small, large)
