""""Awaiting me" among the requests: each task appears for the people who must act, and leaves everyone's list as
soon as someone entitled has done the work. Computed from state, in a fixed number of queries."""

import pytest

from pontis.core import registry
from pontis.core.models import Region
from pontis.intake import services
from pontis.intake.awaiting import answer_tasks, decide_tasks, draft_tasks, screen_tasks
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

SCREEN = "Screen the request: forward it or close it"
DEFERRED = "Take up the deferred request"
DECIDE = "Decide on the request"
ANSWER = "Answer the officer's question"
DRAFT = "Complete and submit the draft"


def tasks(user) -> dict[str, list]:
    return {str(group["kind"]): group for group in registry.tasks_for(user)}


def labels(user, kind) -> list[str]:
    group = tasks(user).get(kind)
    return [t.label for t in group["tasks"]] if group else []


@pytest.mark.django_db
def test_a_submitted_request_awaits_every_officer_when_its_region_has_no_coordinator(make_request, officer):
    other = user_with_role("officer")
    request = make_request("submitted")
    assert request.owner_id is None
    assert labels(officer, SCREEN) == [str(request)]
    assert labels(other, SCREEN) == [str(request)]
    # Another officer forwards it: it leaves both lists.
    services.request_forward(request=request, by=other)
    assert labels(officer, SCREEN) == [] and labels(other, SCREEN) == []


@pytest.mark.django_db
def test_a_submitted_request_goes_to_the_regional_coordinator_and_then_only_to_its_owner(make_request, officer):
    coordinator, other = user_with_role("officer"), user_with_role("officer")
    Region.objects.filter(countries__code="CV").update(coordinator=coordinator)
    request = make_request("submitted")
    assert request.owner_id == coordinator.pk  # the default owner
    assert labels(coordinator, SCREEN) == [str(request)]
    assert labels(officer, SCREEN) == [] and labels(other, SCREEN) == []
    services.request_assign_owner(request=request, owner=other, by=officer)
    assert labels(other, SCREEN) == [str(request)]
    assert labels(coordinator, SCREEN) == []


@pytest.mark.django_db
def test_an_unowned_request_in_a_coordinated_region_awaits_the_coordinator_only(make_request, officer):
    coordinator = user_with_role("officer")
    request = make_request("submitted")  # no coordinator yet: no owner
    Region.objects.filter(countries__code="CV").update(coordinator=coordinator)
    assert labels(coordinator, SCREEN) == [str(request)]
    assert labels(officer, SCREEN) == []


@pytest.mark.django_db
def test_the_committee_decides_and_a_decided_request_leaves_every_member(make_request, committee_member, officer):
    other_member = user_with_role("committee")
    request = make_request("forwarded")
    assert labels(committee_member, DECIDE) == [str(request)]
    assert labels(other_member, DECIDE) == [str(request)]
    assert labels(officer, DECIDE) == []  # officers do not record decisions
    services.request_defer(request=request, by=other_member, reason="Await the elections")
    assert labels(committee_member, DECIDE) == [] and labels(other_member, DECIDE) == []
    # Deferred: back with the officers, to take up again.
    assert labels(officer, DEFERRED) == [str(request)]
    services.request_forward(request=request, by=officer)
    assert labels(officer, DEFERRED) == []
    assert labels(committee_member, DECIDE) == [str(request)]


@pytest.mark.django_db
def test_the_requester_answers_and_the_task_leaves_every_focal_point_of_the_institution(make_request, focal_point,
                                                                                           institution, officer):
    colleague = user_with_role("focal_point", institution=institution)
    request = make_request("info_requested")
    assert labels(focal_point, ANSWER) == [str(request)]
    assert labels(colleague, ANSWER) == [str(request)]
    assert labels(officer, SCREEN) == []  # waiting for the requester, not for the officer
    services.request_answer(request=request, by=colleague, answer="The border police unit leads.")
    assert labels(focal_point, ANSWER) == [] and labels(colleague, ANSWER) == []
    assert labels(officer, SCREEN) == [str(request)]


@pytest.mark.django_db
def test_a_draft_awaits_its_requester_until_it_is_submitted(make_request, focal_point, officer):
    draft = make_request("draft")
    assert labels(focal_point, DRAFT) == [str(draft)]
    assert labels(officer, DRAFT) == []
    services.request_submit(request=draft, by=focal_point)
    assert labels(focal_point, DRAFT) == []


@pytest.mark.django_db
def test_ten_of_a_kind_are_shown_and_the_rest_counted(make_request, officer):
    for _ in range(registry.TASKS_SHOWN + 2):
        make_request("submitted")
    group = tasks(officer)[SCREEN]
    assert len(group["tasks"]) == registry.TASKS_SHOWN
    assert group["more"] == 2
    assert group["more_url"].endswith("?status=submitted")


@pytest.mark.django_db
def test_each_provider_reads_the_same_number_of_queries_at_any_size(make_request, officer, committee_member, focal_point):
    make_request("submitted"), make_request("forwarded"), make_request("info_requested"), make_request("draft")
    measured = [(screen_tasks, officer), (decide_tasks, committee_member), (answer_tasks, focal_point),
                (draft_tasks, focal_point)]
    small = [count_queries(lambda f=f, u=u: f(u))[0] for f, u in measured]
    assert all(n == 1 for n in small), small
    for _ in range(registry.TASKS_SHOWN + 3):
        make_request("submitted"), make_request("forwarded"), make_request("info_requested"), make_request("draft")
    large = [count_queries(lambda f=f, u=u: f(u))[0] for f, u in measured]
    for s, la in zip(small, large, strict=True):
        assert_flat(s, la)


@pytest.mark.django_db
def test_the_home_page_leads_with_awaiting_me_in_a_flat_number_of_queries(client, make_request, officer):
    make_request("submitted")
    client.force_login(officer)
    small, response = count_queries(lambda: client.get("/"))
    page = response.content.decode()
    assert page.index("Awaiting me") < page.index(SCREEN)
    for _ in range(registry.TASKS_SHOWN + 3):
        make_request("submitted")
    large, response = count_queries(lambda: client.get("/"))
    assert "and 4 more" in response.content.decode()
    assert_flat(small, large)
