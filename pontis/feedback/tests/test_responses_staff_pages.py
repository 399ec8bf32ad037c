"""Staff pages: response rates, who has not answered, invitations, reminders, QR code, responses and exports."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from pontis.actions.models import Action, FollowUp
from pontis.actions.services import followups_send_due_reminders
from pontis.core.models import Notification, OutboxEmail
from pontis.feedback.models import Invitation, Questionnaire, Reminder, ReminderSent
from pontis.feedback.services.invitations import invitations_create
from tests.factories import user_with_role

from .test_responses_submit import GOOD, invite, make_questionnaire, question, submit

pytestmark = pytest.mark.django_db

STAFF = ["admin", "officer"]
OTHERS = ["focal_point", "expert", "observer", "committee"]


def _login(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_rates_and_who_has_not_answered(client, role):
    questionnaire = make_questionnaire()
    ana, _bo = invite(questionnaire, "ana@example.org", name="Ana"), invite(questionnaire, "bo@example.org", name="Bo")
    submit(ana)
    _login(client, role)

    page = client.get(reverse("feedback:distribution", args=[questionnaire.pk]))

    assert page.status_code == 200
    assert page.context["rates"] == {"invited": 2, "answered": 1, "rate": 50, "qr": 0, "api": 0, "link": 1,
                                     "responses": 1}
    assert [i.email for i in page.context["page"]] == ["bo@example.org"]
    assert page.context["reminder_count"] == 1
    assert "Send a reminder to 1 person" in page.content.decode()


@pytest.mark.parametrize("role", OTHERS)
def test_others_are_refused_every_staff_page_and_nothing_changes(client, role):
    questionnaire = make_questionnaire()
    invite(questionnaire)
    _login(client, role)
    pk = questionnaire.pk
    for name in ("distribution", "distribution_qr", "distribution_responses"):
        assert client.get(reverse(f"feedback:{name}", args=[pk])).status_code == 403
    assert client.get(reverse("feedback:distribution_export", args=[pk, "csv"])).status_code == 403
    assert client.post(reverse("feedback:distribution_invite", args=[pk]),
                       {"people": "x@example.org"}).status_code == 403
    assert client.post(reverse("feedback:distribution_remind", args=[pk]), {"confirmed": "1"}).status_code == 403
    assert client.post(reverse("feedback:distribution_qr_make", args=[pk])).status_code == 403
    questionnaire.refresh_from_db()
    assert Invitation.objects.count() == 1 and Reminder.objects.count() == 0 and questionnaire.open_key is None
    assert OutboxEmail.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    questionnaire = make_questionnaire()
    answer = client.get(reverse("feedback:distribution", args=[questionnaire.pk]))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_invite_form_invites_people_line_by_line(client):
    questionnaire = make_questionnaire()
    _login(client, "officer")

    answer = client.post(reverse("feedback:distribution_invite", args=[questionnaire.pk]),
                         {"people": "Ana Pérez <ana@example.org>\nbo@example.org\n\n"})

    assert answer.status_code == 302
    assert sorted(Invitation.objects.values_list("name", "email")) == [("", "bo@example.org"),
                                                                      ("Ana Pérez", "ana@example.org")]


def test_a_bad_line_invites_nobody(client):
    questionnaire = make_questionnaire()
    _login(client, "officer")
    page = client.post(reverse("feedback:distribution_invite", args=[questionnaire.pk]),
                       {"people": "ana@example.org\nnot an address"})
    body = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in body and 'href="#people"' in body
    assert "ana@example.org\nnot an address</textarea>" in body
    assert Invitation.objects.count() == 0


def test_a_reminder_asks_for_confirmation_then_sends_once_even_on_a_double_click(client):
    officer = user_with_role("officer")
    questionnaire = make_questionnaire()
    invitations_create(questionnaire=questionnaire, by=officer, people=[{"email": "a@example.org"},
                                                                       {"email": "b@example.org"}])
    client.force_login(officer)
    url = reverse("feedback:distribution_remind", args=[questionnaire.pk])

    confirm = client.post(url, {"key": "k1"})
    assert confirm.status_code == 200 and "2 people who have not answered" in confirm.content.decode()
    assert Reminder.objects.count() == 0

    client.post(url, {"key": "k1", "confirmed": "1"})
    client.post(url, {"key": "k1", "confirmed": "1"})

    assert Reminder.objects.count() == 1 and ReminderSent.objects.count() == 2
    assert OutboxEmail.objects.filter(key__startswith="feedback-reminder-").count() == 2


def test_the_qr_code_is_made_on_demand_and_shown_big_and_printable(client):
    questionnaire = make_questionnaire()
    _login(client, "officer")

    before = client.get(reverse("feedback:distribution_qr", args=[questionnaire.pk]))
    assert before.status_code == 200 and before.context["link"] == ""
    assert client.get(reverse("feedback:distribution_qr_print", args=[questionnaire.pk])).status_code == 404

    client.post(reverse("feedback:distribution_qr_make", args=[questionnaire.pk]))
    questionnaire.refresh_from_db()
    key = questionnaire.open_key
    client.post(reverse("feedback:distribution_qr_make", args=[questionnaire.pk]))
    questionnaire.refresh_from_db()

    assert len(key) == 43 and questionnaire.open_key == key
    page = client.get(reverse("feedback:distribution_qr", args=[questionnaire.pk])).content.decode()
    assert "<svg" in page and f"/feedback/a/{key}/" in page
    printable = client.get(reverse("feedback:distribution_qr_print", args=[questionnaire.pk]))
    assert printable.status_code == 200 and "<svg" in printable.content.decode()


def _export(client, questionnaire):
    answer = client.get(reverse("feedback:distribution_export", args=[questionnaire.pk, "csv"]))
    assert answer.status_code == 200
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("anonymity,role,names", [
    ("anonymous", "admin", False), ("confidential", "admin", True), ("confidential", "officer", False),
    ("named", "officer", True),
])
def test_the_export_shows_names_only_as_the_anonymity_allows(client, anonymity, role, names):
    questionnaire = make_questionnaire(anonymity=anonymity)
    submit(invite(questionnaire, "ana@example.org", name="Ana"))
    _login(client, role)

    rows = _export(client, questionnaire)

    assert ("Name" in rows[0]) is names
    assert ("Ana" in rows[1]) is names and ("ana@example.org" in rows[1]) is names


def test_the_export_lines_versions_up_by_question_key(client):
    questionnaire = make_questionnaire([question("overall"), question("comment", "text", required=False)])
    submit(invite(questionnaire, "a@example.org"), answers={"overall": 2, "comment": "v1"})
    from pontis.feedback.models import QuestionnaireVersion

    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=2, languages=["en"],
                                        questions=[question("extra"), question("overall")])
    submit(invite(questionnaire, "b@example.org"), answers={"overall": 5, "extra": 1})
    _login(client, "officer")

    rows = _export(client, questionnaire)

    keys = [column.split(":")[0] for column in rows[0][5:]]
    assert keys == ["extra", "overall", "comment"]
    assert [row[1] for row in rows[1:]] == ["1", "2"]
    assert [row[5:] for row in rows[1:]] == [["", "2", "v1"], ["1", "5", ""]]


def test_the_responses_page_lists_them(client):
    questionnaire = make_questionnaire()
    submit(invite(questionnaire))
    _login(client, "officer")
    page = client.get(reverse("feedback:distribution_responses", args=[questionnaire.pk]))
    assert page.status_code == 200 and len(page.context["page"].object_list) == 1
    assert page.context["names_shown"] is False


# ---------------------------------------------------------------- the follow-up reminder points to the questionnaire


def test_a_due_follow_up_reminds_each_focal_point_with_their_questionnaire_link(institution):
    focal = user_with_role("focal_point", institution=institution)
    officer = user_with_role("officer")
    from pontis.actions.tests.factories import make_action

    action = make_action(officer, focal_point=focal, institution=institution)
    follow_up = FollowUp.objects.create(action=action, months=6, due_on=datetime.date(2020, 1, 1))
    questionnaire = make_questionnaire([question("outcome", "text")], follow_up=follow_up, purpose="follow_up",
                                       created_by=officer)

    assert followups_send_due_reminders(on=datetime.date(2020, 2, 1)) == 1

    invitation = Invitation.objects.get(questionnaire=questionnaire)
    assert invitation.user == focal and invitation.email == focal.email.lower()
    note = Notification.objects.get(recipient=focal, event="actions.followup_due")
    assert note.url == f"/feedback/r/{invitation.token}/"

    submit(invitation, answers={"outcome": "Adopted."})
    follow_up.refresh_from_db()
    assert follow_up.outcome == "Question outcome: Adopted." and follow_up.recorded_by == focal


def test_without_a_questionnaire_the_reminder_points_to_the_action(institution):
    focal = user_with_role("focal_point", institution=institution)
    from pontis.actions.tests.factories import make_action

    action = make_action(user_with_role("officer"), focal_point=focal, institution=institution)
    FollowUp.objects.create(action=action, months=6, due_on=datetime.date(2020, 1, 1))
    followups_send_due_reminders(on=datetime.date(2020, 2, 1))
    assert Notification.objects.get(recipient=focal).url == reverse("actions:detail", args=[action.code])
    assert Action.objects.count() == 1 and Questionnaire.objects.count() == 0
    assert GOOD
