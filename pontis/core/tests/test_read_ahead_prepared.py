"""Statements read ahead are prepared on the PostgreSQL server once per connection and then executed by name
(``core.awaiting``: ``_prepare_on_server``): the same answers as their text, for statements of every shape (ids,
days, texts, lists of ids, constants, a percent sign, rows as instances, tuples and single values); a statement the
server will not prepare is read as text; a round trip that fails by name falls back to reading each statement on its
own, with the same answers and the transaction still usable. On SQLite nothing is read ahead or prepared."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from pontis.core import awaiting
from pontis.core.models import Country, Notification
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _fresh():
    awaiting.forget_prepared()
    yield
    awaiting.forget_prepared()


_MARKED = ('SELECT n.id, n.subject FROM "core_notification" n WHERE n.recipient_id = %(subject)s '
           'AND n.subject LIKE \'%%<%%\' AND n.subject <> %(hidden)s ORDER BY n.id')


def _instances(*, person):
    return Notification.objects.filter(recipient=person).order_by("pk")


def _tuples(*, person, today):
    return (Notification.objects.filter(recipient=person, created_at__date__lte=today)
            .order_by("-pk").values_list("pk", "subject", "read_at"))


def _flat(*, person):
    return Notification.objects.filter(recipient=person, read_at__isnull=True).order_by("pk").values_list("pk", flat=True)


def _page(person, reader):
    """A page about ``person``, read by ``reader``: statements of each shape, of the subject, reader and day."""
    today = timezone.localdate()
    return (
        [n.pk for n in awaiting.prepared_rows("test.prepared.instances", _instances, {"person": person.pk})],
        awaiting.prepared_rows("test.prepared.tuples", _tuples, {"person": person.pk, "today": today},
                               dates=("today",)),
        awaiting.prepared_rows("test.prepared.flat", _flat, {"person": reader.pk}),
        awaiting.kept_sql_rows("test.prepared.marked", _MARKED, {"subject": person.pk}, constants={"hidden": "x'y"}),
    )


def _expected(person, reader):
    today = timezone.localdate()
    return (
        [n.pk for n in _instances(person=person.pk)],
        list(_tuples(person=person.pk, today=today)),
        list(_flat(person=reader.pk)),
        [(n.pk, n.subject) for n in Notification.objects.filter(recipient=person, subject__contains="<")
         .exclude(subject="x'y").order_by("pk")],
    )


@pytest.fixture
def people():
    reader = user_with_role("officer")
    others = [user_with_role("officer") for _ in range(4)]
    for k, person in enumerate([*others, reader, others[0], others[1], others[1]]):
        Notification.objects.create(recipient=person, subject=f"Note {k} <b> 100%" if k % 2 else f"Note {k} x'y")
    Notification.objects.create(recipient=others[0], subject="x'y")
    return reader, others


def _read(person, reader, sent=None):
    def counted(execute, sql, params, many, context):
        if sent is not None:
            sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted), \
            awaiting.statements_read_ahead("test.prepared", reader, ("officer",), subject=person.pk):
        return _page(person, reader)


def test_statements_read_ahead_are_prepared_once_and_then_executed_by_name_with_the_same_answers(people):
    reader, others = people
    sent_by_page = []
    for person in [*others, *others]:
        sent = []
        assert _read(person, reader, sent) == _expected(person, reader)
        sent_by_page.append(sent)
    if not POSTGRESQL:
        assert not any("PREPARE" in sql or "EXECUTE" in sql for sent in sent_by_page for sql in sent)
        return
    # The first page reads one by one, the second reads ahead as text (and then prepares, on the driver's own
    # cursor: not a statement of the page), the later ones by name, in one round trip.
    assert [sql.count("EXECUTE") for sql in sent_by_page[1] if ";\n" in sql] == [0]
    for sent in sent_by_page[2:]:
        assert len(sent) == 1 and sent[0].count("EXECUTE pontis_") == 4, sent
    on_server = awaiting._server_statements(connection)
    assert awaiting._NEVER not in on_server and sum(1 for name in on_server.values() if name) >= 4


def test_a_statement_the_server_will_not_prepare_is_read_as_text(people):
    reader, others = people
    # "operator is not unique: unknown + unknown": PREPARE cannot type it; as text, the values are typed.
    refused = 'SELECT %(one)s + %(two)s AS label, n.id FROM "core_notification" n WHERE n.recipient_id = %(subject)s ORDER BY 2'

    def page(person):
        return (_page(person, reader),
                awaiting.kept_sql_rows("test.prepared.refused", refused, {"subject": person.pk},
                                       constants={"one": 1, "two": 2}))

    for person in [*others, *others]:
        with awaiting.statements_read_ahead("test.prepared.refused", reader, ("officer",), subject=person.pk):
            got = page(person)
        ids = sorted(n.pk for n in Notification.objects.filter(recipient=person))
        assert got[0] == _expected(person, reader)
        assert [row[1] for row in got[1]] == ids and {row[0] for row in got[1]} == {3}
    if POSTGRESQL:
        on_server = awaiting._server_statements(connection)
        assert awaiting._NEVER not in on_server  # the others are still prepared and executed by name
        assert [name for sql, name in on_server.items() if "%s + %s" in str(sql)] == [""]
        assert sum(1 for name in on_server.values() if name) >= 4


@pytest.mark.skipif(not POSTGRESQL, reason="statements are prepared on PostgreSQL only")
def test_a_round_trip_that_fails_by_name_falls_back_to_each_statement_and_the_transaction_goes_on(people):
    reader, others = people
    for person in others[:3]:
        _read(person, reader)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # behind the worker's back: every name is gone
    assert _read(others[3], reader) == _expected(others[3], reader)
    assert awaiting._NEVER in awaiting._server_statements(connection)
    # The transaction the test runs in is still usable, and later pages read their statements as text.
    Country.objects.filter(code="PE").update(graduated=True)
    assert Country.objects.get(code="PE").graduated
    sent = []
    assert _read(others[0], reader, sent) == _expected(others[0], reader)
    assert not any("EXECUTE" in sql or sql.startswith("PREPARE") for sql in sent)
    awaiting._server_statements(connection).clear()  # the next test's pages prepare again on this connection


def test_days_of_the_page_are_put_in_by_name_too(people):
    reader, others = people
    person = others[1]
    old = Notification.objects.create(recipient=person, subject="Old")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() + datetime.timedelta(days=3))
    for _ in range(4):
        got = _read(person, reader)
        assert got == _expected(person, reader) and old.pk not in [row[0] for row in got[1]]


@pytest.mark.skipif(not POSTGRESQL, reason="statements are prepared on PostgreSQL only")
def test_with_prepared_statements_turned_off_pages_read_ahead_as_text(people, monkeypatch):
    reader, others = people
    raw = connection.connection
    kept = raw.__dict__.pop("pontis_server_statements", None)
    monkeypatch.setitem(connection.settings_dict, "PREPARED_STATEMENTS", False)
    try:
        for person in [*others, *others]:
            sent = []
            assert _read(person, reader, sent) == _expected(person, reader)
            assert not any("EXECUTE" in sql or sql.startswith("PREPARE") for sql in sent)
        assert any(";\n" in sql for sql in sent)  # still one round trip
    finally:
        raw.__dict__.pop("pontis_server_statements", None)
        if kept is not None:
            raw.pontis_server_statements = kept
