"""The officers' two kinds of request tasks ("Screen the request", "Take up the deferred request") come from one
rule: the same requests, order, dates, tags and links as the two providers written out one by one, in one query
each at any size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pontis.core import registry
from pontis.core.models import Region
from pontis.intake.awaiting import deferred_tasks, owned_or_unowned_for, screen_tasks
from pontis.intake.constants import UNSCREENED_AFTER_DAYS, WAITING_AFTER_DAYS
from pontis.intake.models import Request
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def _written_out(user, status, *, kind, days):
    """What each provider answered before the two were folded into one, as plain tuples."""
    rows = list(Request.objects.filter(owned_or_unowned_for(user), status=status).order_by("status_changed_at", "pk"))
    today = timezone.localdate()
    answer = []
    for r in rows[: registry.TASKS_SHOWN]:
        due = timezone.localtime(r.status_changed_at).date() + datetime.timedelta(days=days)
        answer.append(
            (
                kind,
                str(r),
                reverse("intake:detail", args=[r.pk]),
                r.status_changed_at,
                due,
                due < today,
                registry.task_is_new(r.status_changed_at),
                len(rows),
                reverse("intake:list") + f"?status={status}",
            )
        )
    return answer


def _plain(tasks):
    return [(str(t.kind), t.label, t.url, t.since, t.due, t.overdue, t.new, t.total, t.more_url) for t in tasks]


def test_screen_and_deferred_tasks_answer_what_the_two_written_out_providers_answered(make_request, officer):
    coordinator = user_with_role("officer")
    submitted = [make_request("submitted") for _ in range(3)]
    deferred = [make_request("deferred") for _ in range(2)]
    # One of each an older one, overdue; one of each owned by someone else.
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Request.objects.filter(pk__in=[submitted[0].pk, deferred[0].pk]).update(status_changed_at=long_ago)
    Request.objects.filter(pk__in=[submitted[1].pk, deferred[1].pk]).update(owner=coordinator)
    for region_coordinator in (None, coordinator):
        Region.objects.filter(countries__code="CV").update(coordinator=region_coordinator)
        for user in (officer, coordinator):
            expected_screen = _written_out(
                user, "submitted", kind="Screen the request: forward it or close it", days=UNSCREENED_AFTER_DAYS
            )
            expected_deferred = _written_out(user, "deferred", kind="Take up the deferred request", days=WAITING_AFTER_DAYS)
            assert _plain(screen_tasks(user)) == expected_screen
            assert _plain(deferred_tasks(user)) == expected_deferred
    assert any(row[5] for row in expected_screen) and any(row[5] for row in expected_deferred)  # overdue ones seen


def test_people_who_do_not_screen_get_neither_kind(make_request, focal_point, committee_member):
    make_request("submitted"), make_request("deferred")
    for user in (focal_point, committee_member):
        n, answers = count_queries(lambda u=user: (screen_tasks(u), deferred_tasks(u)))
        assert answers == ([], []) and n == 0


def test_deferred_tasks_read_one_query_at_any_size(make_request, officer):
    make_request("deferred")
    small, tasks = count_queries(lambda: deferred_tasks(officer))
    assert len(tasks) == 1 and small == 1
    for _ in range(registry.TASKS_SHOWN + 1):
        make_request("deferred")
    large, tasks = count_queries(lambda: deferred_tasks(officer))
    assert len(tasks) == registry.TASKS_SHOWN and tasks[0].total == registry.TASKS_SHOWN + 2
    assert_flat(small, large)
