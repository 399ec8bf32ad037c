"""The home page reads its panels' kept statements in one round trip (``core.awaiting.statements_read_ahead``) on
PostgreSQL, with this reader's id and day where the last reader of the same roles had theirs: every panel gets the
rows it would have read itself, for each person, and a statement asked with other values is read as usual. The
news panel counts the unread news for the layout's badge in its own statement."""

import contextlib
import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pontis.core import awaiting as core_awaiting
from pontis.core import home as core_home
from pontis.core import views as core_views
from pontis.core.models import Notification
from pontis.core.notifications import notifications_unread_count
from pontis.core.registry import tasks_for
from pontis.experts.tests.factories import make_profile
from pontis.intake.models import Request
from pontis.intake.models import RequestStatus as S
from tests.factories import user_with_role
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def _plain(groups):
    return [(str(g["kind"]), g["more"], g["more_url"],
             [(str(t.label), t.url, t.since, t.due, t.overdue, t.new, t.total) for t in g["tasks"]]) for g in groups]


def _http(user):
    http = RequestFactory().get("/")
    http.user = user
    http.LANGUAGE_CODE = "en"
    return http


def _news(user):
    return [(item["note"].pk, str(item["words"].title)) for item in core_home.notifications_panel(_http(user))["items"]]


@pytest.fixture
def people(db, institution):
    officer, other_officer = user_with_role("officer"), user_with_role("officer")
    focal, other_focal = user_with_role("focal_point", institution=institution), user_with_role("focal_point")
    now = timezone.now()
    for k in range(14):
        moment = now - datetime.timedelta(days=k)
        request = Request.objects.create(
            title={"en": f"Request <{k}> & co"}, status=S.SUBMITTED if k % 3 else S.DEFERRED, submitted_by=focal,
            submitted_at=moment, status_changed_at=moment, owner=officer if k % 2 else other_officer)
        request.institutions.set([institution])
    for k in range(3):
        Request.objects.create(title={"en": f"Draft {k}"}, status=S.DRAFT, submitted_by=other_focal if k else focal)
    for k in range(2):
        make_profile(status="registered", email_confirmed_at=now - datetime.timedelta(days=k))
    for k in range(7):
        Notification.objects.create(recipient=officer if k % 2 else other_officer, subject=f"Note {k} <b>",
                                    created_at=now - datetime.timedelta(days=2, hours=k), read_at=now if k == 5 else None)
    return {"officer": officer, "other_officer": other_officer, "focal": focal, "other_focal": other_focal,
            "admin": user_with_role("admin")}


def test_each_person_gets_the_rows_their_panels_would_have_read(people):
    core_awaiting.forget_prepared()
    order = ["officer", "other_officer", "officer", "admin", "focal", "other_focal", "focal", "admin", "other_officer"]
    alone = {name: (_plain(tasks_for(people[name])), _news(people[name])) for name in set(order)}
    assert alone["officer"] != alone["other_officer"]
    assert alone["focal"] != alone["other_focal"]
    assert alone["officer"][1] and alone["officer"][1] != alone["other_officer"][1]
    for name in order:
        user = people[name]
        with core_awaiting.statements_read_ahead("test.home", user, user.role_codes):
            shown = (_plain(tasks_for(user)), _news(user))
        assert shown == alone[name], name
        assert core_awaiting._ahead.get() is None


def _without_one_time_keys(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def test_the_home_page_is_the_same_and_reads_its_statements_at_once_on_postgresql(client, people, monkeypatch):
    core_awaiting.forget_prepared()
    pages = {}
    counts = {}
    for name in ("officer", "other_officer", "admin"):
        client.force_login(people[name])
        client.get("/")  # the statements kept, and which ones the page asks noted for these roles
        counts[name], response = count_queries(lambda: client.get("/"), warm=False)
        pages[name] = _without_one_time_keys(response.content.decode())
    monkeypatch.setattr(core_views, "statements_read_ahead", lambda *args, **kwargs: contextlib.nullcontext())
    for name in ("officer", "other_officer", "admin"):
        client.force_login(people[name])
        alone, response = count_queries(lambda: client.get("/"))
        assert _without_one_time_keys(response.content.decode()) == pages[name], name
        if POSTGRESQL:
            assert counts[name] <= alone - 3, (name, counts[name], alone)
        else:
            assert counts[name] == alone, name
    assert pages["officer"] != pages["other_officer"]


def _mine(*, user):
    return Request.objects.filter(submitted_by=user).order_by("pk")


def _of_institutions(*, user, institutions):
    return Request.objects.filter(institutions__in=institutions).exclude(submitted_by=user).order_by("pk")


def _changed_since(*, day):
    return Request.objects.filter(status_changed_at__date__gte=day).order_by("pk")


def _ask(user, institutions, day):
    return (
        [r.pk for r in core_awaiting.prepared_rows("test.ahead.mine", _mine, {"user": user.pk})],
        [r.pk for r in core_awaiting.prepared_rows("test.ahead.of", _of_institutions,
                                                   {"user": user.pk, "institutions": institutions},
                                                   lists=("institutions",))],
        [r.pk for r in core_awaiting.prepared_rows("test.ahead.day", _changed_since, {"day": day}, dates=("day",))],
    )


def test_only_the_same_statement_with_the_same_values_is_answered_from_what_was_read_ahead(people, institution):
    core_awaiting.forget_prepared()
    focal, other_focal = people["focal"], people["other_focal"]
    today = timezone.localdate()
    other_institution = other_focal.role_assignments[0].institution_id
    expected = {}
    for user, institutions, day in ((focal, [institution.pk], today), (other_focal, [other_institution], today),
                                    (focal, [institution.pk], today - datetime.timedelta(days=3))):
        expected[(user.pk, tuple(institutions), day)] = _ask(user, institutions, day)
    assert expected[(focal.pk, (institution.pk,), today)][0] != expected[(other_focal.pk, (other_institution,), today)][0]

    def page(user, institutions, day):
        with core_awaiting.statements_read_ahead("test.ahead", user, ["focal_point"]):
            n, answer = count_queries(lambda: _ask(user, institutions, day), warm=False)
        assert answer == expected[(user.pk, tuple(institutions), day)]
        return n

    with CaptureQueriesContext(connection) as first:
        page(focal, [institution.pk], today)  # nothing known yet: each statement read on its own
    assert len(first.captured_queries) == 3
    # The next reader's own id and today's date are put in place. A statement with other values (the institutions'
    # ids) is never read ahead: the next reader would not share them.
    with CaptureQueriesContext(connection) as second:
        asked = page(other_focal, [other_institution], today)
    if POSTGRESQL:
        assert len(second.captured_queries) == 1 + 1 and asked == 1  # one round trip, then the institutions' one
        assert 'FROM "intake_request_institutions"' not in second.captured_queries[0]["sql"]
    else:
        assert len(second.captured_queries) == 3 and asked == 3
    # Another day than today is read on its own; the reader's own statement is still read ahead.
    with CaptureQueriesContext(connection) as third:
        asked = page(focal, [institution.pk], today - datetime.timedelta(days=3))
    if POSTGRESQL:
        assert asked == 2 and len(third.captured_queries) == 3
        # Two statements in one round trip, by their text or by their names on the server (once prepared there).
        lump = third.captured_queries[0]["sql"]
        assert "%s" not in lump and lump.count("SELECT") + lump.count("EXECUTE pontis_") == 2 and lump.count(";\n") == 1
    else:
        assert asked == 3 and len(third.captured_queries) == 3


def test_the_news_panel_counts_the_unread_news_for_the_layout(client, people):
    officer, other_officer = people["officer"], people["other_officer"]
    for user in (officer, other_officer, people["admin"]):
        http = _http(user)
        panel = core_home.notifications_panel(http)
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        assert http._pontis_unread_count == unread == notifications_unread_count(user)
        assert len(panel["items"]) == min(unread, core_home.NEWS_SHOWN)
        assert notifications_unread_count(user, http) == unread
    assert notifications_unread_count(people["admin"]) == 0
    for k in range(6):
        Notification.objects.create(recipient=officer, subject=f"More {k}")
    client.force_login(officer)
    client.get("/")
    with CaptureQueriesContext(connection) as page:
        response = client.get("/")
    unread = Notification.objects.filter(recipient=officer, read_at__isnull=True).count()
    assert unread == 8 > core_home.NEWS_SHOWN
    assert f'<span class="badge">{unread}<span class="visually-hidden">' in response.content.decode()
    assert not [q for q in page.captured_queries if 'GROUP BY "core_notification"."recipient_id"' in q["sql"]]
