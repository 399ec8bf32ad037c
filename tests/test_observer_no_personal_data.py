"""Donor observers see figures, never a person: every page and API route an observer can reach, rendered as an
observer, holds none of the names, e-mail addresses or positions that exist in the data."""

import pytest
from django.urls import reverse

from pontis.accounts.services import role_grant, user_create
from pontis.core.models import Country
from pontis.events.services import contribution_create, session_create
from pontis.events.tests.factories import make_meeting
from pontis.experts.tests.factories import make_profile
from tests.factories import InstitutionFactory, give_totp, user_with_role

pytestmark = pytest.mark.django_db

PERSONAL = ["Gulnara", "Abdrakhmanova", "gulnara.a@example.org", "Head of Border Unit", "Oluwaseun", "Adebayo",
            "Henrike Vogelsang", "Bartholomew Quince", "Deputy Director of Migration"]


@pytest.fixture
def people():
    institution = InstitutionFactory()
    focal = user_with_role("focal_point", institution=institution, given_name="Gulnara",
                           family_name="Abdrakhmanova", email="gulnara.a@example.org")
    membership = focal.memberships.get(institution=institution)
    membership.position = "Head of Border Unit"
    membership.save()
    make_profile(given_name="Oluwaseun", family_name="Adebayo", email="oluwaseun@example.org")
    meeting = make_meeting(slug="closed-round-table", is_public=False)
    session = session_create(meeting=meeting, by=None, title={"en": "Opening"}, day=meeting.start_date, number=1,
                             moderator="Henrike Vogelsang")
    contribution_create(session=session, by=None, speaker_name="Bartholomew Quince",
                        speaker_role="Deputy Director of Migration", country=Country.objects.get(code="PE"),
                        title={"en": "Returns"})
    return {"institution": institution, "meeting": meeting}


def _observer_urls(people):
    return [
        reverse("core:home"),
        reverse("core:notifications"),
        reverse("accounts:institutions"),
        reverse("accounts:institution", args=[people["institution"].pk]),
        reverse("actions:process"),
        reverse("events:list"),
        reverse("events:detail", args=[people["meeting"].slug]),
        "/api/v1/stats/experts",
        "/api/v1/events",
        f"/api/v1/events/{people['meeting'].pk}",
    ]


def test_an_observer_sees_no_name_address_or_position_on_any_page(client, observer, people):
    client.force_login(observer)

    for url in _observer_urls(people):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for personal in PERSONAL:
            assert personal not in body, (url, personal)


def test_the_institution_page_tells_an_observer_how_many_people_not_who(client, observer, people):
    client.force_login(observer)

    body = client.get(reverse("accounts:institution", args=[people["institution"].pk])).content.decode()

    assert "1 person." in body


@pytest.mark.parametrize("role", ["committee", "officer"])
def test_people_who_work_with_people_still_see_them(client, make_user, people, role):
    client.force_login(make_user(role))

    institution = client.get(reverse("accounts:institution", args=[people["institution"].pk])).content.decode()
    meeting = client.get(reverse("events:detail", args=[people["meeting"].slug])).content.decode()

    assert "Gulnara Abdrakhmanova" in institution and "Head of Border Unit" in institution
    assert "Bartholomew Quince" in meeting and "Henrike Vogelsang" in meeting
    api = client.get(f"/api/v1/events/{people['meeting'].pk}").json()
    assert api["sessions"][0]["moderator"] == "Henrike Vogelsang"
    assert api["sessions"][0]["contributions"][0]["speaker_name"] == "Bartholomew Quince"


def test_a_published_agenda_names_its_speakers_for_everyone(client, observer):
    meeting = make_meeting(slug="public-panel", is_public=True)
    session = session_create(meeting=meeting, by=None, title={"en": "Panel"}, day=meeting.start_date, number=1)
    contribution_create(session=session, by=None, speaker_name="Bartholomew Quince")
    client.force_login(observer)

    assert "Bartholomew Quince" in client.get(reverse("events:detail", args=["public-panel"])).content.decode()


def test_an_observer_who_also_holds_another_role_sees_people(client, people):
    both = user_create(email="both@example.org", given_name="Both")
    role_grant(user=both, role="observer")
    role_grant(user=both, role="committee")
    give_totp(both)
    client.force_login(both)

    body = client.get(reverse("accounts:institution", args=[people["institution"].pk])).content.decode()
    assert "Gulnara Abdrakhmanova" in body
