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


def _panel_counts():
    from pontis.events.models import (
        Attendance,
        DiscussionNote,
        HostOffer,
        Material,
        Minutes,
        Panel,
        PanelDelegate,
        PanelMember,
        Registration,
        WorkProgramme,
        WorkProgrammeTopic,
    )

    return {model.__name__: model.objects.count() for model in (
        Panel, PanelMember, PanelDelegate, WorkProgramme, WorkProgrammeTopic, HostOffer, Minutes, Material,
        Registration, Attendance, DiscussionNote)}


def test_the_minsk_meeting_is_complete_and_a_second_run_adds_nothing():
    from pontis.events.models import Attendance, HostOffer, Panel

    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=io.StringIO())
    counts, audit_rows = _panel_counts(), AuditEvent.objects.count()
    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=io.StringIO())
    assert _panel_counts() == counts
    assert AuditEvent.objects.count() == audit_rows
    assert counts == {"Panel": 1, "PanelMember": 34, "PanelDelegate": 8, "WorkProgramme": 1, "WorkProgrammeTopic": 4,
                      "HostOffer": 6, "Minutes": 1, "Material": 18, "Registration": 20, "Attendance": 36,
                      "DiscussionNote": 10}

    panel = Panel.objects.get(slug="eap-panel-migration-asylum")
    members = set(panel.members.values_list("country__code", flat=True))
    assert {"AM", "AZ", "BY", "GE", "MD", "UA", "LT", "PL", "DE"} <= members
    minsk = Meeting.objects.get(slug="2016-minsk-migration-strategies")
    assert minsk.panel == panel and minsk.time_zone == "Europe/Minsk"
    assert sorted(minsk.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    sessions = list(minsk.sessions.order_by("order"))
    assert [s.kind for s in sessions] == ["opening", "session", "session", "session", "business", "closing"]
    assert all(s.starts_at and s.ends_at and s.summary.get("en") for s in sessions)
    assert [s.discussion.count() for s in sessions] == [0, 3, 3, 4, 0, 0]
    assert "evaluation of its support function" in sessions[4].summary["en"]
    programme = panel.work_programmes.get(year=2017)
    assert (programme.status, programme.presented_at) == ("draft", minsk)
    assert [t.title["en"] for t in programme.topics.order_by("order")] == [
        "Border and migration management in emergency situations", "Return, readmission and reintegration",
        "Prevention of facilitation of irregular migration", "Economic integration of migrants"]
    assert sorted(HostOffer.objects.filter(status="confirmed").values_list("country__code", flat=True)) == ["GE", "MD", "PL"]
    assert (minsk.minutes.status, minsk.minutes.executive_summary["en"][:23]) == ("published", "Migration strategies we")
    assert set(minsk.materials.values_list("access", "content_type")) == {("members", "application/pdf")}
    registrations = minsk.registrations.all()
    assert {r.status for r in registrations} == {"approved"}
    assert (registrations.filter(gender="woman").count(), registrations.filter(gender="man").count()) == (9, 11)
    assert [Attendance.objects.filter(registration__meeting=minsk, day=day).count()
            for day in ("2016-12-07", "2016-12-08")] == [18, 18]


def test_the_demo_panel_page_and_the_minsk_report_render(client):
    from tests.factories import UserFactory

    call_command("load_demo", "--only", "foundation", "--only", "events", stdout=io.StringIO())
    panel = client.get("/panels/eap-panel-migration-asylum/")
    body = panel.content.decode()
    assert panel.status_code == 200
    assert "Belarus" in body and "Aleksandr Tatura" not in body
    assert "Economic integration of migrants" not in body  # the 2017 programme is a draft: for members
    report = client.get("/events/2016-minsk-migration-strategies/report/")
    text = report.content.decode()
    assert report.status_code == 200
    assert "Executive summary" in text and "What capacities do national law-enforcement authorities have" in text
    assert "Work programme 2017" not in text
    client.force_login(UserFactory())
    member_panel = client.get("/panels/eap-panel-migration-asylum/").content.decode()
    assert "Aleksandr Tatura" in member_panel and "Economic integration of migrants" in member_panel
    member_report = client.get("/events/2016-minsk-migration-strategies/report/").content.decode()
    assert "Work programme 2017" in member_report and "Georgia" in member_report
