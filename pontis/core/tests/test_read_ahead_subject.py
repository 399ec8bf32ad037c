"""A page about one object (its subject) reads its kept statements in one round trip on PostgreSQL
(``core.awaiting.statements_read_ahead(..., subject=...)``), with its own subject's id where the last such page had
its own: the page of a second object gets its own rows, never the first one's, and a statement asked with other
values is read as usual. Hand-written statements are kept with named values (``kept_sql_rows``), with constants that
are part of the statement; ``prepared_rows`` keeps one statement per set of constants. On SQLite nothing is read
ahead and every answer is the same."""

import pytest
from django.db import connection

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


def _round_trips(call):
    """(number of ``execute`` calls reaching the database, answer of ``call()``)."""
    calls = []

    def counted(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        answer = call()
    return len(calls), answer


_NOTES = ('SELECT n.id, n.subject FROM "core_notification" n WHERE n.recipient_id = %(person)s '
          'AND n.subject <> %(hidden)s ORDER BY n.id')
_ABOUT = 'SELECT n.id FROM "core_notification" n WHERE n.recipient_id = %(subject)s AND n.subject LIKE \'%%<%%\' ORDER BY n.id'


def _notes_of(person):
    return awaiting.kept_sql_rows("test.subject.notes", _NOTES, {"person": person}, constants={"hidden": "hidden"})


def _notes_with_markup(person):
    return awaiting.kept_sql_rows("test.subject.markup", _ABOUT, {"subject": person})


def _unread(*, person):
    return Notification.objects.filter(recipient=person, read_at__isnull=True).order_by("pk").values_list("pk", flat=True)


def _unread_of(person):
    return awaiting.prepared_rows("test.subject.unread", _unread, {"person": person})


def _page(person, reader):
    """What a page about ``person`` reads: three statements of the subject, one of the reader."""
    return _notes_of(person), _notes_with_markup(person), _unread_of(person), _unread_of(reader.pk)


@pytest.fixture
def people():
    reader = user_with_role("officer")
    first, second, third = (user_with_role("officer") for _ in range(3))
    for k, person in enumerate((first, second, second, third, reader, first, second)):
        Notification.objects.create(recipient=person, subject=f"Note {k} <b>" if k % 2 else f"Note {k}")
    Notification.objects.create(recipient=first, subject="hidden")
    return reader, first, second, third


def _expected(person, reader):
    return (
        [(n.pk, n.subject) for n in Notification.objects.filter(recipient=person).exclude(subject="hidden").order_by("pk")],
        [(n.pk,) for n in Notification.objects.filter(recipient=person, subject__contains="<").order_by("pk")],
        list(_unread(person=person.pk)), list(_unread(person=reader.pk)))


def test_kept_sql_rows_answers_what_the_statement_answers(people):
    reader, first, second, _third = people
    for person in (first, second, first):
        rows = _notes_of(person.pk)
        assert [tuple(row) for row in rows] == _expected(person, reader)[0]
        assert [tuple(row) for row in _notes_with_markup(person.pk)] == _expected(person, reader)[1]
    (kept,) = [value for key, value in awaiting._prepared.items() if key[0] == "test.subject.notes"]
    assert kept.sql.count("%s") == 2 and "%(" not in kept.sql
    (kept,) = [value for key, value in awaiting._prepared.items() if key[0] == "test.subject.markup"]
    assert "'%%<%%'" in kept.sql  # a percent sign stays as it was written
    with pytest.raises(ValueError):
        awaiting.kept_sql_rows("test.subject.positional", 'SELECT 1 FROM "core_country" WHERE id = %s', {"id": 1})


def test_prepared_rows_keeps_one_statement_for_each_set_of_constants():
    countries = list(Country.objects.order_by("pk")[:2])

    def build(*, country, code):
        return Country.objects.filter(pk=country, code=code).values_list("code", flat=True)

    for country in countries:
        for other in countries:
            found = awaiting.prepared_rows("test.subject.constants", build, {"country": country.pk},
                                           constants={"code": other.code})
            assert found == ([country.code] if country == other else [])
    kept = [key for key in awaiting._prepared if key[0] == "test.subject.constants"]
    assert len(kept) == 2 and all(awaiting._prepared[key] is not None for key in kept)


def test_a_second_subject_never_gets_the_first_ones_rows(people):
    reader, first, second, third = people
    other_reader = user_with_role("officer")
    expected = {(p.pk, r.pk): _expected(p, r) for p in (first, second, third) for r in (reader, other_reader)}
    assert len({str(value) for value in expected.values()}) == len(expected)

    def page(person, who):
        def read():
            with awaiting.statements_read_ahead("test.subject.page", who, ["officer"], subject=person.pk):
                return _page(person.pk, who)

        n, shown = _round_trips(read)
        assert awaiting._ahead.get() is None
        shown = tuple([tuple(row) if isinstance(row, tuple | list) else row for row in rows] for rows in shown)
        assert shown == expected[(person.pk, who.pk)], (person, who)
        return n

    assert page(first, reader) == 4  # nothing known yet: each statement on its own
    for person, who in ((second, reader), (third, other_reader), (first, reader), (second, other_reader),
                        (second, reader)):
        n = page(person, who)
        assert n == (1 if POSTGRESQL else 4), (person, who)


def test_a_statement_asked_with_other_values_is_read_as_usual(people):
    reader, first, second, _third = people

    def page(person, asked_about):
        def read():
            with awaiting.statements_read_ahead("test.subject.other", reader, ["officer"], subject=person.pk):
                return _notes_of(person.pk), _notes_with_markup(person.pk), _notes_of(asked_about.pk)

        return _round_trips(read)

    assert page(first, first)[0] == 3
    n, (own, markup, other) = page(second, first)  # the page about the second asks the first's notes too
    assert [tuple(row) for row in own] == _expected(second, reader)[0]
    assert [tuple(row) for row in markup] == _expected(second, reader)[1]
    assert [tuple(row) for row in other] == _expected(first, reader)[0]
    assert n == (2 if POSTGRESQL else 3)  # its own two read ahead in one trip, the first's on its own


def test_an_id_both_the_readers_and_the_subjects_is_not_read_ahead(people):
    reader, first, _second, _third = people

    def page(person):
        def read():
            with awaiting.statements_read_ahead("test.subject.self", reader, ["officer"], subject=person.pk):
                return _notes_of(person.pk), _notes_with_markup(person.pk)

        n, (notes, markup) = _round_trips(read)
        assert [tuple(row) for row in notes] == _expected(person, reader)[0]
        assert [tuple(row) for row in markup] == _expected(person, reader)[1]
        return n

    for _ in range(3):  # which of the two the next page would need is not known: nothing is learnt
        assert page(reader) == 2
    assert page(first) == 2
    assert page(reader) == (1 if POSTGRESQL else 2)  # learnt from the page about the first
