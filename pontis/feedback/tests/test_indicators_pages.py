"""The review page per role, its XLSX and PDF exports, and the figures panel on the activity and Action pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pontis.actions.models import Action
from pontis.core.models import AuditEvent
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .test_indicators_world import build_world, make_questionnaire, make_response, rating

pytestmark = pytest.mark.django_db

REVIEW = reverse("feedback:indicators_review")
YEAR_2024 = {"year": "2024", "part": "year"}


@pytest.fixture
def world():
    return build_world()


def _as(client, role):
    if role != "anonymous":
        client.force_login(user_with_role(role))
    return client


@pytest.mark.parametrize("role", ["admin", "officer", "committee", "observer"])
def test_readers_of_aggregate_figures_open_the_review(client, world, role):
    response = _as(client, role).get(REVIEW, YEAR_2024)

    assert response.status_code == 200
    page = response.content.decode()
    assert "71.4 %" in page  # satisfaction 5/7
    assert "37.5 %" in page  # women 3/8
    assert "60.0 %" in page  # response rate 6/10
    assert "5 of 7 ratings; 7 respondents" in page
    assert "3 women of 8 participants" in page
    assert "6 of 10 invited answered" in page
    assert "5 matched pairs; 5 respondents" in page


@pytest.mark.parametrize("role", ["focal_point", "expert", "delegation"])
def test_partners_experts_and_delegations_are_refused(client, world, role):
    if role == "delegation":
        from pontis.accounts.services import role_grant
        from pontis.core.models import Country
        from tests.factories import UserFactory

        user = UserFactory()
        role_grant(user=user, role="delegation", country=Country.objects.get(code="CV"))
        client.force_login(user)
    else:
        _as(client, role)

    assert client.get(REVIEW, YEAR_2024).status_code == 403
    assert client.get(reverse("feedback:indicators_review_xlsx"), YEAR_2024).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(REVIEW)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_observers_get_no_per_action_rows_staff_do(client, world):
    observer_page = _as(client, "observer").get(REVIEW, YEAR_2024).content.decode()
    client.logout()
    officer_page = _as(client, "officer").get(REVIEW, YEAR_2024).content.decode()

    assert "2024-01" not in observer_page
    assert "Workshop" not in observer_page
    assert "2024-01" in officer_page
    assert "Action 2024-01" in officer_page
    assert "By activity" in officer_page and "Workshop" in officer_page


def test_the_previous_period_is_compared(client, world):
    # 2024 against 2023: 2023 holds 3 ratings only, suppressed for an officer
    page = _as(client, "officer").get(REVIEW, YEAR_2024).content.decode()

    assert "suppressed (fewer than 5 respondents)" in page


def test_small_numbers_show_for_an_administrator_only(client, world):
    query = {"year": "2023", "part": "q2"}
    officer_page = _as(client, "officer").get(REVIEW, query).content.decode()
    client.logout()
    admin_page = _as(client, "admin").get(REVIEW, query).content.decode()

    assert "66.7 %" not in officer_page
    assert "suppressed (fewer than 5 respondents)" in officer_page
    assert "66.7 %" in admin_page


def test_a_bad_period_shows_the_error_summary(client, world):
    response = _as(client, "officer").get(REVIEW, {"year": "abc", "part": "q9"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "71.4 %" not in page


def test_the_page_costs_the_same_queries_with_more_answers_and_actions(client, world):
    _as(client, "officer")
    small, _ = count_queries(lambda: client.get(REVIEW, YEAR_2024))
    for n in range(3):
        action = Action.objects.create(code=f"2024-{10 + n}", title={"en": "More"}, start_date=world["x"].start_date)
        q, v = make_questionnaire(action=action)
        for _ in range(6):
            make_response(q, v, day=world["a1"].start_date, answers=[rating("overall", 4)])
    large, response = count_queries(lambda: client.get(REVIEW, YEAR_2024))

    assert "2024-12" in response.content.decode()
    assert_flat(small, large)


def test_the_xlsx_export_holds_the_figures(client, world):
    response = _as(client, "officer").get(reverse("feedback:indicators_review_xlsx"), YEAR_2024)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    by_label = {row[0]: row for row in rows if row and row[0]}
    satisfaction = by_label["Satisfaction rate (ratings of 4 or 5)"]
    assert satisfaction[1:6] == [71.4, 5, 7, 7, "no"]
    assert by_label["Share of women among participants"][1:5] == [37.5, 3, 8, 8]
    assert by_label["Response rate"][1:5] == [60.0, 6, 10, 10]
    assert by_label["Knowledge gain (after minus before, matched pairs)"][1:5] == [1.4, 5, 5, 5]
    assert by_label["Mean rating: Relevance"][1] == round(27 / 7, 4)
    assert by_label["2024-01 Action 2024-01"][1:4] == [71.4, 37.5, 60.0]
    activity_row = [row for row in rows if row[0] and str(row[0]).startswith("2024-01 Workshop")]
    assert len(activity_row) == 1 and activity_row[0][1:4] == [71.4, 37.5, 60.0]


def test_the_pdf_export_is_a_pdf(client, world):
    response = _as(client, "committee").get(reverse("feedback:indicators_review_pdf"), YEAR_2024)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "indicators-2024-year.pdf" in response["Content-Disposition"]
    assert list(AuditEvent.objects.filter(action="export").values_list("note", flat=True)) == [
        "indicators review (indicators-2024-year.pdf)"]


def test_the_activity_and_action_pages_show_the_figures_panel_to_staff(client, world):
    activity_url = reverse("actions:activity", args=[world["x"].code, world["a1"].pk])
    action_url = reverse("actions:detail", args=[world["x"].code])
    _as(client, "officer")

    activity_page = client.get(activity_url).content.decode()
    action_page = client.get(action_url).content.decode()

    for page in (activity_page, action_page):
        assert "Feedback figures" in page
        assert "71.4 %" in page
        assert "37.5 %" in page


def test_the_panel_is_not_shown_to_a_partner_focal_point(client, world):
    from pontis.actions.models import ActionPartner
    from tests.factories import InstitutionFactory

    institution = InstitutionFactory()
    client.force_login(user_with_role("focal_point", institution=institution))
    ActionPartner.objects.create(action=world["x"], institution=institution)

    page = client.get(reverse("actions:detail", args=[world["x"].code]))

    assert page.status_code == 200
    assert "Action 2024-01" in page.content.decode()
    assert "Feedback figures" not in page.content.decode()
