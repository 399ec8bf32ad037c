"""The request tasks of the home page's "Awaiting me", cheaper and the same:

- ``officer_tasks`` answers what ``screen_tasks`` then ``deferred_tasks`` answer, in one query instead of two (the
  rule saying whose work a request is planned and checked once for both statuses);
- ``answer_tasks`` and ``draft_tasks`` choose the requester's requests through the institution link and the author
  as one union (before: every request in the status was read and filtered, 0.5-0.7 ms each at 5,000 requests,
  against under 0.1 ms).

The same tasks (kind, label, link, dates, tags, total, "more" link) in the same order, at two sizes in one query."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from pontis.core import registry
from pontis.core.models import Region
from pontis.intake.awaiting import answer_tasks, deferred_tasks, draft_tasks, officer_tasks, screen_tasks
from pontis.intake.models import Request
from pontis.intake.models import RequestStatus as S
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def _plain(tasks):
    return [(str(t.kind), t.label, t.url, t.since, t.due, t.overdue, t.new, t.total, t.more_url) for t in tasks]


def _more(status, n, *, institution=None, by=None, days_ago=0):
    """``n`` requests in ``status`` written directly (no country: every officer's), ages spread over the days."""
    now = timezone.now()
    for k in range(n):
        moment = now - datetime.timedelta(days=days_ago + k, hours=k)
        request = Request.objects.create(
            title={"en": f"A {status} request {k}"},
            status=status,
            submitted_by=by or user_with_role("focal_point"),
            submitted_at=moment,
            status_changed_at=moment,
        )
        Request.objects.filter(pk=request.pk).update(updated_at=now - datetime.timedelta(hours=3 * k + 1))
        if institution is not None:
            request.institutions.set([institution])


def test_officer_tasks_are_the_screen_then_the_deferred_tasks(make_request, officer):
    coordinator = user_with_role("officer")
    submitted = [make_request("submitted") for _ in range(3)]
    deferred = [make_request("deferred") for _ in range(2)]
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Request.objects.filter(pk__in=[submitted[0].pk, deferred[0].pk]).update(status_changed_at=long_ago)
    Request.objects.filter(pk__in=[submitted[1].pk, deferred[1].pk]).update(owner=coordinator)
    _more(S.SUBMITTED, registry.TASKS_SHOWN + 2, days_ago=3)  # more than shown: the total and the limit per kind
    seen = []
    for region_coordinator in (None, coordinator):
        Region.objects.filter(countries__code="CV").update(coordinator=region_coordinator)
        for user in (officer, coordinator):
            expected = _plain(screen_tasks(user) + deferred_tasks(user))
            assert _plain(officer_tasks(user)) == expected
            kinds = [row[0] for row in expected]
            assert kinds.count("Screen the request: forward it or close it") == registry.TASKS_SHOWN
            seen += expected
    assert sum(row[0] == "Take up the deferred request" for row in seen) == 5  # 1, 2, 0 and 2 of them
    assert any(row[5] for row in seen)  # overdue ones seen


def test_officer_tasks_read_one_query_at_any_size(make_request, officer):
    make_request("submitted")
    small, tasks = count_queries(lambda: officer_tasks(officer))
    assert len(tasks) == 1 and small == 1
    _more(S.SUBMITTED, registry.TASKS_SHOWN + 1)
    _more(S.DEFERRED, 3)
    large, tasks = count_queries(lambda: officer_tasks(officer))
    assert len(tasks) == registry.TASKS_SHOWN + 3 and tasks[0].total == registry.TASKS_SHOWN + 2
    assert tasks[-1].total == 3
    assert_flat(small, large)


def _written_with_an_or(user, status, order):
    """The requester's requests in ``status`` as first chosen: the institution link OR the author."""
    through = Request.institutions.through
    mine = through.objects.filter(institution_id__in=sorted(user.focal_institution_ids)).values("request_id")
    rows = list(Request.objects.filter(Q(pk__in=mine) | Q(submitted_by=user), status=status).order_by(*order))
    return [r.pk for r in rows[: registry.TASKS_SHOWN]], len(rows)


def _ids_and_total(tasks):
    return [int(t.url.rstrip("/").rsplit("/", 1)[1]) for t in tasks], (tasks[0].total if tasks else 0)


def test_answer_and_draft_tasks_are_what_the_or_of_the_two_conditions_chose(make_request, focal_point, institution):
    colleague = user_with_role("focal_point", institution=institution)
    elsewhere = user_with_role("focal_point")
    make_request("info_requested")
    make_request("draft", by=colleague)  # a draft of the same institution
    make_request("submitted")  # neither kind
    _more(S.DRAFT, registry.TASKS_SHOWN + 2, institution=institution)  # drafts: the last worked on first
    _more(S.INFO_REQUESTED, 3, by=focal_point, days_ago=20)  # their own, without the institution link
    _more(S.DRAFT, 2, institution=elsewhere.role_assignments[0].institution)  # another institution's
    for user in (focal_point, colleague, elsewhere):
        assert _ids_and_total(draft_tasks(user)) == _written_with_an_or(user, S.DRAFT, ("-updated_at", "-pk"))
        assert _ids_and_total(answer_tasks(user)) == _written_with_an_or(
            user, S.INFO_REQUESTED, ("status_changed_at", "pk"))
    assert _ids_and_total(draft_tasks(focal_point))[1] == registry.TASKS_SHOWN + 3
    assert _ids_and_total(answer_tasks(focal_point))[1] == 4
    assert _ids_and_total(draft_tasks(elsewhere))[1] == 2


def test_answer_and_draft_tasks_read_one_query_each_at_any_size(make_request, focal_point, institution):
    make_request("draft"), make_request("info_requested")
    small, tasks = count_queries(lambda: (answer_tasks(focal_point), draft_tasks(focal_point)))
    assert [len(t) for t in tasks] == [1, 1] and small == 2
    _more(S.DRAFT, registry.TASKS_SHOWN + 1, institution=institution)
    _more(S.INFO_REQUESTED, 2, institution=institution)
    large, tasks = count_queries(lambda: (answer_tasks(focal_point), draft_tasks(focal_point)))
    assert [len(t) for t in tasks] == [3, registry.TASKS_SHOWN]
    assert_flat(small, large)


def test_people_who_do_not_screen_get_no_officer_task_without_a_query(make_request, focal_point, committee_member):
    make_request("submitted"), make_request("deferred")
    for user in (focal_point, committee_member):
        n, answer = count_queries(lambda u=user: officer_tasks(u))
        assert answer == [] and n == 0


def test_awaiting_me_is_the_same_with_the_officer_pair_registered_as_one(monkeypatch, make_request, officer):
    make_request("submitted"), make_request("deferred")
    _more(S.SUBMITTED, registry.TASKS_SHOWN + 1)
    pairs = {screen_tasks: officer_tasks, deferred_tasks: None}

    def plain_groups(user):
        return [(str(g["kind"]), _plain(g["tasks"]), g["more"], g["more_url"]) for g in registry.tasks_for(user)]

    before = {user: plain_groups(user) for user in (officer, user_with_role("admin"))}
    folded = [(order, pairs.get(func, func)) for order, func in registry._task_providers if pairs.get(func, func)]
    monkeypatch.setattr(registry, "_task_providers", folded)
    for user, groups in before.items():
        assert plain_groups(user) == groups and groups
