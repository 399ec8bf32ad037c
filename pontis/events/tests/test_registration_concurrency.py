"""Two approved people withdraw at the same moment: each frees one place, the two first wait-listed people are
promoted once each, and the meeting never goes over its places. Real concurrent transactions need a server
database (PostgreSQL); SQLite serialises writers, which the service tests already cover."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from pontis.core.models import Country
from pontis.core.reference import load_reference_data
from pontis.events import services
from pontis.events.models import Meeting, Registration
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

S = Registration.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
]


def test_two_concurrent_withdrawals_promote_two_different_people_within_capacity():
    # A transactional test that ran before in this process flushed the tables: the reference data (a data
    # migration's rows) is reloaded, as the browser tests do, and the content types came back with new ids, so the
    # audit writer must not use the ids cached before.
    ContentType.objects.clear_cache()
    load_reference_data()
    officer = user_with_role("officer")
    meeting = make_meeting(held=False)
    Meeting.objects.filter(pk=meeting.pk).update(registration="open", capacity=2)
    meeting.refresh_from_db()
    regs = []
    for i in range(5):
        registration, _ = services.registration_request(
            meeting=meeting, name=f"P{i}", email=f"p{i}@example.org", gender="woman", institution_name="Ministry",
            country=Country.objects.get(code="BY"))
        regs.append(registration)
    services.registrations_decide(registrations=regs, by=officer, decision="approve")
    barrier = threading.Barrier(2)
    errors = []

    def withdraw(registration):
        try:
            barrier.wait(timeout=10)
            services.registration_withdraw(registration=registration, token=registration.token)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw, args=(r,)) for r in regs[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {"p0@example.org": S.WITHDRAWN, "p1@example.org": S.WITHDRAWN, "p2@example.org": S.APPROVED,
                        "p3@example.org": S.APPROVED, "p4@example.org": S.WAITLISTED}
    assert Registration.objects.filter(meeting=meeting, status=S.APPROVED).count() == 2
