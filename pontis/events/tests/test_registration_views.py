"""Registration pages per role: the public form and the person's own page, withdraw with confirmation, self
check-in, staff's list (filters, decisions, confirmation for reject, export), attendance sheet and QR screen."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pontis.core.models import Country
from pontis.events import services
from pontis.events.models import Attendance, Meeting, Registration
from pontis.events.services.registration import day_key, meeting_today, registration_code
from pontis.events.tests.factories import make_meeting
from pontis.events.visitor import SESSION_KEY
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _meeting(mode="open", access="public", start=None, **extra):
    meeting = make_meeting(held=False, start=start or timezone.localdate() + datetime.timedelta(days=20))
    Meeting.objects.filter(pk=meeting.pk).update(registration=mode, access=access, **extra)
    meeting.refresh_from_db()
    return meeting


FORM = {"name": "Ana Petrova", "email": "ana@example.org", "gender": "woman", "institution_name": "Ministry",
        "position": "Head of unit", "language": "ru"}


def _form(**extra):
    return {**FORM, "country": Country.objects.get(code="BY").pk, **extra}


def _reg(meeting, email="ana@example.org", gender="woman", status=None, officer=None):
    registration, _ = services.registration_request(meeting=meeting, name=email.split("@")[0], email=email,
                                                    gender=gender, institution_name="Ministry",
                                                    country=Country.objects.get(code="BY"))
    if status:
        Registration.objects.filter(pk=registration.pk).update(status=status)
        registration.refresh_from_db()
    return registration


# ---------------------------------------------------------------- public form and own page


def test_an_anonymous_visitor_registers_and_lands_on_their_own_page(client):
    meeting = _meeting()

    response = client.post(reverse("events:registration_register", args=[meeting.slug]), _form())

    registration = Registration.objects.get(meeting=meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration_own", args=[registration.token])
    assert (registration.gender, registration.language, registration.status) == ("woman", "ru", S.PENDING)
    assert client.session[SESSION_KEY] == [registration.pk]
    page = client.get(response["Location"])
    assert page["X-Robots-Tag"] == "noindex" and page["Referrer-Policy"] == "same-origin"
    assert registration_code(registration) in page.content.decode()


def test_a_double_submit_stores_one_and_shows_the_first(client):
    meeting = _meeting()
    url = reverse("events:registration_register", args=[meeting.slug])

    first = client.post(url, _form())
    second = client.post(url, _form(name="Changed"))

    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert second["Location"] == first["Location"]
    assert Registration.objects.get(meeting=meeting).name == "Ana Petrova"


def test_someone_elses_address_never_shows_their_registration(client):
    meeting = _meeting()
    theirs = _reg(meeting)

    response = client.post(reverse("events:registration_register", args=[meeting.slug]), _form(name="Intruder"))

    assert response.status_code == 200
    assert theirs.token not in response.content.decode()
    assert "already registered" in response.content.decode()
    assert Registration.objects.get(pk=theirs.pk).name == "ana"


def test_missing_answers_show_the_error_summary_and_store_nothing(client):
    meeting = _meeting()

    response = client.post(reverse("events:registration_register", args=[meeting.slug]), _form(gender="", name=""))

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Registration.objects.count() == 0


def test_a_signed_in_person_gets_the_form_prefilled(client):
    person = user_with_role("focal_point")
    client.force_login(person)
    meeting = _meeting()

    response = client.get(reverse("events:registration_register", args=[meeting.slug]))

    assert response.status_code == 200
    assert response.context["form"].initial["email"] == person.email


def test_the_form_is_closed_after_the_closing_time(client):
    meeting = _meeting(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))

    page = client.get(reverse("events:registration_register", args=[meeting.slug])).content.decode()
    client.post(reverse("events:registration_register", args=[meeting.slug]), _form())

    assert "Registration for this meeting is closed." in page
    assert Registration.objects.count() == 0


def test_an_invitation_meeting_has_no_open_form_but_the_invitation_link_works(client):
    meeting = _meeting(mode="invitation")
    invitation = services.invitation_create(meeting=meeting, by=user_with_role("officer"), email="ana@example.org")

    assert client.get(reverse("events:registration_register", args=[meeting.slug])).status_code == 404
    page = client.get(reverse("events:registration_invitation", args=[invitation.token]))
    response = client.post(reverse("events:registration_invitation", args=[invitation.token]), _form())

    assert page.context["form"].initial["email"] == "ana@example.org"
    assert response.status_code == 302
    assert Registration.objects.get(meeting=meeting).invitation == invitation
    assert client.get(reverse("events:registration_invitation", args=["bad-token"])).status_code == 404


def test_a_members_meeting_form_is_hidden_from_anonymous_visitors(client):
    meeting = _meeting(access="members")

    assert client.get(reverse("events:registration_register", args=[meeting.slug])).status_code == 404


def test_withdraw_asks_for_confirmation_then_withdraws(client):
    meeting = _meeting()
    registration = _reg(meeting)
    url = reverse("events:registration_withdraw", args=[registration.token])

    first = client.post(url)
    unchanged = Registration.objects.get(pk=registration.pk).status
    client.post(url, {"confirmed": "1"})

    assert first.status_code == 200 and unchanged == S.PENDING
    assert Registration.objects.get(pk=registration.pk).status == S.WITHDRAWN


def test_an_unknown_personal_link_answers_404(client):
    assert client.get(reverse("events:registration_own", args=["nope"])).status_code == 404
    assert client.post(reverse("events:registration_withdraw", args=["nope"]), {"confirmed": "1"}).status_code == 404


def test_the_register_form_is_rate_limited(client, settings):
    meeting = _meeting()
    url = reverse("events:registration_register", args=[meeting.slug])
    from pontis.events import views_registration

    for n in range(views_registration.POSTS_PER_HOUR):
        client.post(url, _form(email=f"p{n}@example.org"))
    response = client.post(url, _form(email="late@example.org"))

    assert response.status_code == 429
    assert not Registration.objects.filter(email="late@example.org").exists()


# ---------------------------------------------------------------- self check-in


def _self_meeting(officer):
    meeting = _meeting(start=timezone.localdate(), self_check_in=True)
    return services.check_in_key_ensure(meeting=meeting, by=officer)


def test_the_screen_qr_leads_a_remembered_participant_to_their_own_check_in(client):
    officer = user_with_role("officer")
    meeting = _self_meeting(officer)
    registration = _reg(meeting, status=S.APPROVED)
    key = day_key(meeting, meeting_today(meeting))
    client.get(reverse("events:registration_own", args=[registration.token]))

    start = client.get(reverse("events:registration_check_in_start", args=[meeting.slug, key]))
    done = client.post(start["Location"])
    again = client.post(start["Location"])

    assert start["Location"] == reverse("events:registration_self_check_in", args=[registration.token, key])
    assert "You are checked in" in done.content.decode()
    assert "already checked in" in again.content.decode()
    assert Attendance.objects.filter(registration=registration).count() == 1


def test_self_check_in_with_email_and_code(client):
    officer = user_with_role("officer")
    meeting = _self_meeting(officer)
    registration = _reg(meeting, status=S.APPROVED)
    url = reverse("events:registration_check_in_start", args=[meeting.slug, day_key(meeting, meeting_today(meeting))])

    wrong = client.post(url, {"email": "ana@example.org", "code": "AAAAAAAA"})
    right = client.post(url, {"email": "ana@example.org", "code": registration_code(registration)})

    assert "No registration matches" in wrong.content.decode()
    assert "You are checked in" in right.content.decode()
    assert Attendance.objects.filter(registration=registration, method="self").count() == 1


def test_a_pending_participant_is_refused_at_self_check_in(client):
    officer = user_with_role("officer")
    meeting = _self_meeting(officer)
    registration = _reg(meeting)
    key = day_key(meeting, meeting_today(meeting))

    response = client.post(reverse("events:registration_self_check_in", args=[registration.token, key]))

    assert "Only approved participants can be checked in" in response.content.decode()
    assert Attendance.objects.count() == 0


# ---------------------------------------------------------------- staff pages


@pytest.mark.parametrize("role, status", [("officer", 200), ("admin", 200), ("focal_point", 403), ("committee", 403),
                                          ("observer", 403), ("expert", 403)])
def test_the_registration_list_is_for_staff(client, role, status):
    meeting = _meeting()
    _reg(meeting)
    client.force_login(user_with_role(role))

    assert client.get(reverse("events:registration_manage", args=[meeting.slug])).status_code == status


def test_the_registration_list_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("events:registration_manage", args=[_meeting().slug]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_filters_by_status_and_counts(client):
    meeting = _meeting()
    _reg(meeting, "a@example.org", status=S.APPROVED)
    _reg(meeting, "b@example.org")
    client.force_login(user_with_role("officer"))

    response = client.get(reverse("events:registration_manage", args=[meeting.slug]), {"status": "approved"})

    assert [r.email for r in response.context["rows"]] == ["a@example.org"]
    assert response.context["counts"]["approved"] == 1 and response.context["counts"]["total"] == 2


def test_reject_asks_for_confirmation_and_approve_does_not(client):
    meeting = _meeting()
    a = _reg(meeting, "a@example.org")
    b = _reg(meeting, "b@example.org")
    client.force_login(user_with_role("officer"))

    asked = client.post(reverse("events:registration_decide", args=[meeting.slug, a.pk]), {"decision": "reject"})
    still = Registration.objects.get(pk=a.pk).status
    client.post(reverse("events:registration_decide", args=[meeting.slug, a.pk]), {"decision": "reject", "confirmed": "1"})
    client.post(reverse("events:registration_decide", args=[meeting.slug, b.pk]), {"decision": "approve"})

    assert asked.status_code == 200 and still == S.PENDING
    assert Registration.objects.get(pk=a.pk).status == S.REJECTED
    assert Registration.objects.get(pk=b.pk).status == S.APPROVED


def test_bulk_approve_respects_capacity(client):
    meeting = _meeting(capacity=1)
    regs = [_reg(meeting, f"p{i}@example.org") for i in range(3)]
    client.force_login(user_with_role("officer"))

    client.post(reverse("events:registration_decide_many", args=[meeting.slug]),
                {"decision": "approve", "registration": [r.pk for r in regs]})

    assert sorted(Registration.objects.values_list("status", flat=True)) == [S.APPROVED, S.WAITLISTED, S.WAITLISTED]


def test_a_non_staff_post_changes_nothing(client):
    meeting = _meeting()
    a = _reg(meeting)
    client.force_login(user_with_role("focal_point"))

    response = client.post(reverse("events:registration_decide", args=[meeting.slug, a.pk]), {"decision": "approve"})

    assert response.status_code == 403
    assert Registration.objects.get(pk=a.pk).status == S.PENDING


def test_export_neutralises_formulas(client):
    meeting = _meeting()
    services.registration_request(meeting=meeting, name="=HYPERLINK(\"http://evil\")", email="x@example.org",
                                  gender="man", institution_name="+Ministry", country=Country.objects.get(code="BY"))
    client.force_login(user_with_role("officer"))

    csv = client.get(reverse("events:registration_export", args=[meeting.slug, "csv"])).content.decode("utf-8-sig")
    xlsx = client.get(reverse("events:registration_export", args=[meeting.slug, "xlsx"]))
    import io
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    row = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]

    assert "'=HYPERLINK" in csv and "'+Ministry" in csv
    assert row[0] == "'=HYPERLINK(\"http://evil\")" and row[2] == "Man"
    assert client.get(reverse("events:registration_export", args=[meeting.slug, "pdf"])).status_code == 404


def test_the_attendance_sheet_checks_in_approved_people_only_and_undoes(client):
    meeting = _meeting()
    approved = _reg(meeting, "a@example.org", status=S.APPROVED)
    pending = _reg(meeting, "p@example.org")
    client.force_login(user_with_role("officer"))
    day = meeting.start_date.isoformat()
    mark = reverse("events:registration_attendance_mark", args=[meeting.slug, day])

    client.post(mark, {"registration": approved.pk})
    refused = client.post(mark, {"registration": pending.pk}, follow=True)
    sheet = client.get(reverse("events:registration_attendance", args=[meeting.slug, day]))
    attendance = Attendance.objects.get(registration=approved)
    client.post(reverse("events:registration_attendance_undo", args=[meeting.slug, day, attendance.pk]))

    assert "Only approved participants can be checked in" in refused.content.decode()
    assert sheet.status_code == 200
    assert Attendance.objects.count() == 0


def test_a_day_outside_the_meeting_answers_404(client):
    meeting = _meeting()
    client.force_login(user_with_role("officer"))

    assert client.get(reverse("events:registration_attendance",
                              args=[meeting.slug, (meeting.end_date + datetime.timedelta(days=1)).isoformat()])
                      ).status_code == 404
    assert client.get(reverse("events:registration_attendance", args=[meeting.slug, "not-a-day"])).status_code == 404


def test_the_screen_shows_an_svg_qr_code_of_the_days_check_in_address(client):
    officer = user_with_role("officer")
    meeting = _meeting(start=timezone.localdate(), self_check_in=True)
    client.force_login(officer)
    url = reverse("events:registration_screen", args=[meeting.slug, meeting.start_date.isoformat()])

    client.post(url)
    page = client.get(url).content.decode()
    meeting.refresh_from_db()

    assert "<svg" in page
    assert reverse("events:registration_check_in_start", args=[meeting.slug, day_key(meeting, meeting.start_date)]) in page


def test_the_registration_list_costs_the_same_queries_at_two_sizes(client):
    meeting = _meeting()
    officer = user_with_role("officer")
    client.force_login(officer)
    for i in range(3):
        r = _reg(meeting, f"s{i}@example.org", status=S.APPROVED)
        services.attendance_check_in(registration=r, day=meeting.start_date, by=officer)
    url = reverse("events:registration_manage", args=[meeting.slug])

    small, _ = count_queries(lambda: client.get(url))
    for i in range(20):
        r = _reg(meeting, f"l{i}@example.org", status=S.APPROVED, gender="man")
        services.attendance_check_in(registration=r, day=meeting.start_date, by=officer)
    large, response = count_queries(lambda: client.get(url))

    assert response.status_code == 200
    assert_flat(small, large)


def test_hostile_text_is_escaped_on_the_staff_list_and_the_own_page(client):
    meeting = _meeting()
    registration, _ = services.registration_request(
        meeting=meeting, name="<script>alert(1)</script>", email="x@example.org", gender="man",
        institution_name="<b>Ministry</b>", country=Country.objects.get(code="BY"))
    client.force_login(user_with_role("officer"))

    staff_page = client.get(reverse("events:registration_manage", args=[meeting.slug])).content.decode()
    own_page = client.get(reverse("events:registration_own", args=[registration.token])).content.decode()

    for page in (staff_page, own_page):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_row_button_decides_that_row_even_inside_the_bulk_form(client):
    meeting = _meeting()
    a = _reg(meeting)
    client.force_login(user_with_role("officer"))

    # What a browser sends when "Reject" of a row is clicked: the row's button and the bulk select's default.
    client.post(reverse("events:registration_decide", args=[meeting.slug, a.pk]),
                {"decision": "reject", "bulk_decision": "approve", "confirmed": "1"})

    assert Registration.objects.get(pk=a.pk).status == S.REJECTED
