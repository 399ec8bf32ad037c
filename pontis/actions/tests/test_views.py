
import pytest
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import Activity, FicheVersion
from tests.queries import assert_flat, count_queries

from .factories import agreed_action, make_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(officer, focal_point, institution):
    return agreed_action(officer, focal_point, institution)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who,status", [("officer", 200), ("committee_member", 200), ("focal_point", 200),
                                        ("observer", 403), ("expert_user", 404)])
def test_action_detail_per_role(client, request, action, who, status):
    user = request.getfixturevalue(who)
    assert _get(client, user, reverse("actions:detail", args=[action.code])).status_code == status


def test_detail_shows_clock(client, officer, action):
    response = _get(client, officer, reverse("actions:detail", args=[action.code]))
    assert b"Day 20 of 90, not launched yet" in response.content


def test_other_focal_point_gets_404(client, make_user, action):
    other = make_user("focal_point")
    for name in ("actions:detail", "actions:fiche", "actions:fiche_diff"):
        assert _get(client, other, reverse(name, args=[action.code])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, action):
    response = client.get(reverse("actions:detail", args=[action.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who,status", [("officer", 200), ("admin_user", 200), ("observer", 200), ("focal_point", 403),
                                        ("committee_member", 403)])
def test_process_view_per_role(client, request, who, status):
    assert _get(client, request.getfixturevalue(who), reverse("actions:process")).status_code == status


@pytest.mark.parametrize("who,status", [("officer", 200), ("observer", 403), ("focal_point", 403)])
def test_at_risk_per_role(client, request, who, status):
    assert _get(client, request.getfixturevalue(who), reverse("actions:at_risk")).status_code == status


def test_list_queries_do_not_grow(client, officer):
    make_action(officer)
    client.force_login(officer)
    small_count, small = count_queries(lambda: client.get(reverse("actions:list")))
    for _i in range(12):
        make_action(officer, countries=("PE", "MX"), themes=("legal", "protection"))
    large_count, large = count_queries(lambda: client.get(reverse("actions:list")))
    assert small.status_code == large.status_code == 200
    assert large.content.count(b'href="/actions/20') == 13
    assert_flat(small_count, large_count)


def test_list_is_filtered_for_focal_point(client, officer, focal_point, action):
    make_action(officer, countries=("PE",))
    response = _get(client, focal_point, reverse("actions:list"))
    assert response.content.count(b'href="/actions/20') == 1


def test_fiche_edit_and_agree_in_browser(client, officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    url = reverse("actions:fiche", args=[action.code])
    client.force_login(officer)
    post = {"op": "save", "overall_objective": "Better SOPs", "row_count": "2", "act-0-type": "workshop",
            "act-0-start_date": "2030-01-10", "act-0-end_date": "2030-01-09"}
    response = client.post(url, post)
    assert response.status_code == 200
    assert b"end date is before" in response.content
    assert services.current_draft(action).content == {"activities": []}
    post["act-0-end_date"] = "2030-01-12"
    assert client.post(url, post).status_code == 302
    client.force_login(focal_point)
    refused = client.post(url, {"op": "save", "overall_objective": "hack"})
    assert refused.status_code == 200 and b"You do not have permission" in refused.content
    assert services.current_draft(action).content["overall_objective"] == "Better SOPs"
    client.post(url, {"op": "partner_agree"})
    client.force_login(officer)
    client.post(url, {"op": "agree"})
    assert action.fiche_versions.get().status == FicheVersion.Status.AGREED
    pdf = client.get(reverse("actions:fiche_pdf", args=[action.code, 1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_pdf_of_draft_is_404_and_hidden_from_strangers(client, officer, make_user):
    action = make_action(officer)
    client.force_login(officer)
    assert client.get(reverse("actions:fiche_pdf", args=[action.code, 1])).status_code == 404


def test_activity_move_illegal_shows_message(client, officer, action):
    activity = action.activities.first()
    client.force_login(officer)
    response = client.post(reverse("actions:activity_move", args=[action.code, activity.pk, "deliver"]), follow=True)
    assert b"This step is not possible" in response.content
    assert Activity.objects.get(pk=activity.pk).status == "planned"


def test_activity_create_double_submit_creates_one(client, officer, action):
    client.force_login(officer)
    data = {"idempotency_key": "abc123", "type": ActivityTypeId(), "title_en": "Extra", "start_date": "2030-02-01"}
    url = reverse("actions:activity_create", args=[action.code])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert action.activities.count() == 3


def test_activity_title_is_written_in_several_languages(client, officer, action):
    client.force_login(officer)
    data = {"type": ActivityTypeId(), "title_en": "Extra training", "title_fr": "Formation supplémentaire",
            "start_date": "2030-02-01"}
    client.post(reverse("actions:activity_create", args=[action.code]), data)
    activity = action.activities.order_by("-sequence").first()
    assert activity.title == {"en": "Extra training", "fr": "Formation supplémentaire"}

    page = _get(client, officer, reverse("actions:activity", args=[action.code, activity.pk])).content.decode()
    assert 'name="title_fr" value="Formation supplémentaire"' in page
    data.update(title_fr="", title_es="Formación adicional", title__other='{"th": "การฝึกอบรม"}')
    client.post(reverse("actions:activity_edit", args=[action.code, activity.pk]), data)
    activity.refresh_from_db()
    assert activity.title == {"en": "Extra training", "es": "Formación adicional", "th": "การฝึกอบรม"}


def test_deliverable_title_needs_one_language(client, officer, action):
    from pontis.actions.models import Deliverable
    from pontis.core.models import DeliverableType

    client.force_login(officer)
    url = reverse("actions:deliverable_create", args=[action.code])
    data = {"type": DeliverableType.objects.get(code="manual").pk, "title_en": " "}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Write this text in at least one language." in response.content.decode()
    assert not Deliverable.objects.exists()

    data.update(title_en="Case management manual", title_pt="Manual de gestão de casos")
    response = client.post(url, data)
    deliverable = Deliverable.objects.get()
    assert response.status_code == 302
    assert deliverable.title == {"en": "Case management manual", "pt": "Manual de gestão de casos"}


def ActivityTypeId():
    from pontis.core.models import ActivityType

    return ActivityType.objects.get(code="training").pk


def test_activity_page_focal_point_sees_no_controls(client, focal_point, action):
    activity = action.activities.first()
    response = _get(client, focal_point, reverse("actions:activity", args=[action.code, activity.pk]))
    assert response.status_code == 200
    assert b"Confirm the activity" not in response.content
    client.force_login(focal_point)
    assert client.post(reverse("actions:activity_move", args=[action.code, activity.pk, "confirm"])).status_code == 403


def test_home_panels(client, officer, focal_point, action):
    response = _get(client, focal_point, "/")
    assert b"My Actions" in response.content and action.code.encode() in response.content
    response = _get(client, officer, "/")
    assert b"Actions needing attention" in response.content


def test_close_page_validates(client, officer, action):
    client.force_login(officer)
    response = client.post(reverse("actions:close", args=[action.code]), {"final_report": "", "lessons_learnt": ""})
    assert response.status_code == 200
    assert action.__class__.objects.get(pk=action.pk).status == "ongoing"
