"""``officer_tasks`` ranks the officer's submitted and deferred requests with one window for the rank and the total
(the same partition, order and frame: one sort and one pass instead of two) over the few columns a task shows.

The statement it replaced is kept below as the reference: the same tasks (kind, label, link, dates, tags, total,
"more" link) in the same order, on generated requests with ties on the moment they reached their status, owners,
countries in coordinated regions or not, other statuses, at two sizes, in one query at both.
"""

import datetime
import itertools

import pytest
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from pontis.core import registry
from pontis.core.models import Country, Region
from pontis.core.permissions import can
from pontis.intake.awaiting import _OFFICER_WORK, _light, _officer_tasks_of, officer_tasks, owned_or_unowned_for
from pontis.intake.models import Request
from pontis.intake.models import RequestStatus as S
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & “q” \'a\''


# ---------------------------------------------------------------- the implementation before, kept to compare with


def _officer_rows_before(*, user):
    statuses = [status for status, _kind, _days in _OFFICER_WORK]
    per_status = F("status")
    return (
        _light(Request.objects.filter(owned_or_unowned_for(user), status__in=statuses))
        .annotate(
            task_rank=Window(RowNumber(), partition_by=per_status, order_by=(F("status_changed_at").asc(), F("pk").asc())),
            task_total=Window(Count("pk"), partition_by=per_status),
        )
        .filter(task_rank__lte=registry.TASKS_SHOWN)
        .order_by("status_changed_at", "pk")
    )


def officer_tasks_before(user):
    if not can(user, "screen", Request):
        return []
    statuses = [status for status, _kind, _days in _OFFICER_WORK]
    rows_by_status = {status: [] for status in statuses}
    totals = dict.fromkeys(statuses, 0)
    for row in _officer_rows_before(user=user.pk):
        rows_by_status[row.status].append(row)
        totals[row.status] = row.task_total
    return _officer_tasks_of(rows_by_status, totals)


# ---------------------------------------------------------------- generated requests


def _plain(tasks):
    return [(str(t.kind), t.label, t.url, t.since, t.due, t.overdue, t.new, t.total, t.more_url) for t in tasks]


def _generate(n, *, officers, countries, start=0):
    """``n`` requests: mostly submitted or deferred, a few in other statuses; owned by one of ``officers`` or by
    nobody; in none, one or two of ``countries``; the moment they reached their status shared by several (ties,
    broken by id), some days and some weeks old."""
    now = timezone.now().replace(microsecond=0)
    focal = user_with_role("focal_point")
    statuses = [S.SUBMITTED, S.DEFERRED, S.SUBMITTED, S.FORWARDED, S.DEFERRED, S.INFO_REQUESTED, S.SUBMITTED]
    owners = [None, None, *officers, None]
    for k in range(start, start + n):
        moment = now - datetime.timedelta(days=(k // 4) % 23)
        request = Request.objects.create(
            title={"en": f"{HOSTILE} {k}", "fr": f"Demande « {k} »"} if k % 4 else {"ru": "Запрос"},
            status=statuses[k % len(statuses)],
            submitted_by=focal,
            submitted_at=moment,
            status_changed_at=moment,
            owner=owners[k % len(owners)],
            forwarded_at=moment if k % len(statuses) == 3 else None,
        )
        chosen = [countries[k % len(countries)], countries[(k * 5 + 1) % len(countries)]][: k % 3]
        if chosen:
            request.countries.set(chosen)


@pytest.fixture
def people():
    coordinator, officer, admin = user_with_role("officer"), user_with_role("officer"), user_with_role("admin")
    regions = list(Region.objects.filter(countries__isnull=False).distinct().order_by("pk")[:3])
    assert len(regions) == 3
    Region.objects.filter(pk=regions[0].pk).update(coordinator=coordinator)
    Region.objects.filter(pk=regions[1].pk).update(coordinator=officer)
    countries = [Country.objects.filter(region=region).order_by("pk").first() for region in regions]
    return {"coordinator": coordinator, "officer": officer, "admin": admin, "focal": user_with_role("focal_point"),
            "countries": countries}


def _same_for_everyone(people):
    for name in ("coordinator", "officer", "admin", "focal"):
        user = people[name]
        assert _plain(officer_tasks(user)) == _plain(officer_tasks_before(user)), name


def test_the_tasks_are_those_of_the_statement_before_at_two_sizes(people):
    officers = [people["coordinator"], people["officer"]]
    _generate(9, officers=officers, countries=people["countries"])
    _same_for_everyone(people)
    small = officer_tasks(people["coordinator"])
    assert small and all(t.total < registry.TASKS_SHOWN for t in small)
    _generate(80, officers=officers, countries=people["countries"], start=9)
    _same_for_everyone(people)
    large = officer_tasks(people["coordinator"])
    kinds = [str(t.kind) for t in large]
    assert kinds.count(str(_OFFICER_WORK[0][1])) == registry.TASKS_SHOWN  # more than shown: the limit and the total
    assert any(t.total > registry.TASKS_SHOWN for t in large)
    # Ties on the moment: several requests of one status reached it together, taken in id order.
    moments = [t.since for t in large]
    assert len(moments) > len(set(moments))
    assert any(t.overdue for t in large)


def test_ties_everywhere_are_broken_as_before(people):
    now = timezone.now().replace(microsecond=0)
    focal = people["focal"]
    for k, status in zip(range(30), itertools.cycle([S.SUBMITTED, S.DEFERRED])):
        Request.objects.create(title={"en": f"Tie {k}"}, status=status, submitted_by=focal, submitted_at=now,
                               status_changed_at=now - datetime.timedelta(days=k // 8))
    _same_for_everyone(people)
    region_of = Region.objects.filter(coordinator=people["coordinator"]).get()
    region_of.coordinator = None
    region_of.save()
    _same_for_everyone(people)


def test_one_query_at_both_sizes(people):
    officers = [people["coordinator"], people["officer"]]
    _generate(5, officers=officers, countries=people["countries"])
    small, tasks = count_queries(lambda: officer_tasks(people["officer"]))
    assert tasks
    _generate(60, officers=officers, countries=people["countries"], start=5)
    large, tasks = count_queries(lambda: officer_tasks(people["officer"]))
    assert len(tasks) > registry.TASKS_SHOWN
    assert_flat(small, large)
    assert small == 1
