import io

import pytest
from django.core.management import call_command

from pontis.accounts.models import Institution, RoleAssignment, User
from pontis.core.models import AuditEvent
from pontis.events.models import Contribution, Meeting, Session

pytestmark = pytest.mark.django_db


def test_load_demo_foundation_and_events_is_idempotent():
    # when the foundation and events loaders run twice
    out = io.StringIO()
    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=out)
    counts = (User.objects.count(), Institution.objects.count(), RoleAssignment.objects.count(), Meeting.objects.count(),
              Session.objects.count(), Contribution.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=io.StringIO())
    # then the second run adds nothing
    assert (User.objects.count(), Institution.objects.count(), RoleAssignment.objects.count(), Meeting.objects.count(),
            Session.objects.count(), Contribution.objects.count(), AuditEvent.objects.count()) == counts
    assert "foundation: 7 demo users (7 new)" in out.getvalue()
    assert "events: 6 meetings created (6 in all)" in out.getvalue()


def test_demo_users_and_the_minsk_agenda():
    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=io.StringIO())
    focal = User.objects.get(email="focal.point@pontis.example")
    assert focal.language == "es"
    assert focal.check_password("Pontis-demo-2026")
    mininter = Institution.objects.get(acronym="MININTER", country__code="PE")
    assert focal.focal_institution_ids == {mininter.pk}
    assert Institution.objects.get(acronym="COMESA").country is None
    minsk = Meeting.objects.get(slug="2016-minsk-migration-strategies")
    assert sorted(minsk.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    assert [s.number for s in minsk.sessions.order_by("order")] == [None, 1, 2, 3, None, None]
    assert minsk.sessions.get(number=3).moderator.startswith("Mr Gintaras Valiulis")
    assert Contribution.objects.filter(session__meeting=minsk).count() == 25
    assert sorted(Meeting.objects.filter(kind="round_table").values_list("city", flat=True)) == \
        ["Bangkok", "Cotonou", "Mexico City", "Nairobi"]


def test_unknown_loader_name_is_an_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", "--only", "nonsense", stdout=io.StringIO())
