"""What the roster and candidates pages read: labels kept between searches, counts read off a short first page,
the columns a row shows, and the lists of an activity's experts, in a flat number of queries."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pontis.core.models import ThematicArea
from pontis.experts import matching, selectors
from pontis.experts.models import Deployment, Invitation, Shortlist
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db

ROSTER = reverse("experts:roster")


def _sql(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def test_theme_labels_are_read_once_and_again_after_a_theme_changes():
    theme = ThematicArea.objects.get(code="irregular_thb")
    expert = make_profile(family_name="Okafor", themes=("irregular_thb",))
    make_profile(family_name="Other", themes=("mad",))

    def found(word):
        return set(selectors.roster_search(selectors.roster_base(), q=word).values_list("pk", flat=True))

    found("okafor")
    assert not [sql for sql in _sql(lambda: found("okafor")) if "core_thematicarea" in sql or "core_topic" in sql]

    theme.name = {**theme.name, "en": "Zanzibar crossings"}
    theme.save()

    assert found("zanzibar") == {expert.pk}
    assert found("okafor") == {expert.pk}


def test_a_search_that_fits_on_one_page_is_counted_from_that_page(client, officer):
    client.force_login(officer)
    for n in range(3):
        make_profile(family_name=f"Quist{n}")
    make_profile(family_name="Someone")

    queries = _sql(lambda: client.get(ROSTER, {"q": "quist"}))
    response = client.get(ROSTER, {"q": "quist"})

    assert not [sql for sql in queries if "COUNT(" in sql.upper() and "experts_expertprofile" in sql]
    assert response.context["page"].count == 3 and not response.context["page"].is_capped
    assert "3 experts" in response.content.decode()
    assert [p.family_name for p in response.context["page"]] == ["Quist0", "Quist1", "Quist2"]


def test_a_search_longer_than_a_page_is_still_counted_exactly(client, officer):
    client.force_login(officer)
    for n in range(27):
        make_profile(family_name=f"Quist{n:02d}")

    response = client.get(ROSTER, {"q": "quist"})

    assert response.context["page"].count == 27 and response.context["page"].num_pages == 2
    assert "27 experts" in response.content.decode()


def test_a_short_search_costs_the_same_queries_whatever_the_roster_size(client, officer):
    client.force_login(officer)
    for n in range(3):
        make_profile(family_name=f"Quist{n}")
    small, _response = count_queries(lambda: client.get(ROSTER, {"q": "quist", "status": "active"}))
    for n in range(40):
        make_profile(family_name=f"Bystander{n:02d}", themes=("irregular_thb", "mad"), languages=(("fr", "B2"),))
    large, response = count_queries(lambda: client.get(ROSTER, {"q": "quist", "status": "active"}))

    assert_flat(small, large)
    assert response.context["page"].count == 3


def test_a_roster_row_reads_only_the_columns_it_shows(client, officer):
    client.force_login(officer)
    make_profile(
        family_name="Mensah", given_name="Ama", nationality="GH", background="government", languages=(("en", "C2"), ("fr", "B1"))
    )

    queries = _sql(lambda: client.get(ROSTER, {"q": "mensah"}))
    response = client.get(ROSTER, {"q": "mensah"})

    rows = [sql for sql in queries if "experts_expertprofile" in sql and "ORDER BY" in sql and "LIMIT" in sql]
    assert rows and all('"cv_text"' not in sql and '"biography"' not in sql for sql in rows)
    html = response.content.decode()
    assert "Mensah, Ama" in html and "Ghana" in html


def test_the_activity_lists_cost_the_same_queries_whatever_their_length():
    activity = make_activity()

    def add(n):
        for _ in range(n):
            profile = make_profile()
            Shortlist.objects.create(activity=activity, profile=profile)
            Invitation.objects.create(
                activity=activity, profile=profile, start_date=activity.start_date, end_date=activity.end_date, days=2
            )
            Deployment.objects.create(
                activity=activity, profile=profile, start_date=activity.start_date, end_date=activity.end_date
            )

    add(1)
    small, _people = count_queries(lambda: selectors.activity_roster(activity))
    add(5)
    large, people = count_queries(lambda: selectors.activity_roster(activity), warm=False)

    assert_flat(small, large)
    assert small == 3
    assert len(people["shortlist"]) == len(people["invitations"]) == len(people["deployments"]) == 6
    with CaptureQueriesContext(connection) as captured:
        names = [d.profile.full_name for d in people["deployments"]] + [s.profile.full_name for s in people["shortlist"]]
    assert len(captured.captured_queries) == 0 and all(names)


@pytest.mark.parametrize("value", [0.0, 1.0, 0.5, 0.125, 0.135, 0.6, 0.7 * 0.5 + 0.3 * 1.0, 1 / 3, 2 / 3, 0.005, 0.995])
def test_a_candidate_shows_each_part_as_the_template_tag_rounds_it(value):
    candidate = matching.Candidate(profile=None, parts={key: value for key in matching.PARTS})
    expected = Template("{% widthratio value 1 100 %}").render(Context({"value": value}))

    assert candidate.percents == [expected] * len(matching.PARTS)
