"""News: notifications stored as events and worded when read, in the reader's language; the news page, grouping,
"mark all as read", the home panel and the e-mail copy in the recipient's language."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pontis.actions import services as action_services
from pontis.actions.tests.factories import make_action
from pontis.core import news
from pontis.core.models import Notification
from pontis.core.notifications import notifications_mark_all_read, notify
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(institution):
    return user_with_role("focal_point", institution=institution)


@pytest.fixture
def action(officer, partner, institution):
    made = make_action(officer, focal_point=partner, institution=institution)
    made.title = {"en": "Cabo Verde labour mobility", "fr": "Mobilité de travail au Cap-Vert"}
    made.save()
    return made


def _cancel(action, officer):
    action_services.action_cancel(action=action, by=officer, reason="The partner withdrew")
    return Notification.objects.filter(event="actions.action_cancelled").order_by("pk").first()


def test_notify_stores_the_event_and_its_parameters_not_a_sentence(action, officer, partner):
    note = _cancel(action, officer)
    assert note.recipient == partner
    assert note.subject == "" and note.body == ""
    assert note.params["code"] == action.code
    assert note.params["reason"] == "The partner withdrew"
    assert note.params["title"] == {"en": "Cabo Verde labour mobility", "fr": "Mobilité de travail au Cap-Vert"}
    assert note.target_type == ContentType.objects.get_for_model(action)
    assert note.target_id == action.pk


def test_the_same_row_reads_in_the_readers_language_at_read_time(client, action, officer, partner):
    note = _cancel(action, officer)
    client.force_login(partner)
    english = client.get(reverse("core:notifications")).content.decode()
    assert f"Action {action.code} is cancelled" in english
    assert "Cabo Verde labour mobility" in english

    client.cookies["django_language"] = "fr"
    french = client.get(reverse("core:notifications")).content.decode()
    assert f"L'Action {action.code} est annulée" in french.replace("&#x27;", "'")
    assert "Mobilité de travail au Cap-Vert" in french
    assert f"Action {action.code} is cancelled" not in french
    note.refresh_from_db()
    assert note.subject == ""  # nothing was written back: the wording lives only at read time


def test_render_in_two_languages_without_a_page(action, officer, partner):
    note = _cancel(action, officer)
    with translation.override("en"):
        assert news.render(note, partner).title == f"Action {action.code} is cancelled"
    with translation.override("fr"):
        assert news.render(note, partner).title == f"L'Action {action.code} est annulée"


def test_unknown_event_and_broken_parameters_read_as_a_neutral_line(client, partner):
    Notification.objects.create(recipient=partner, event="nobody.declared_this", params={"x": 1})
    Notification.objects.create(recipient=partner, event="actions.action_cancelled", params={"unexpected": True})
    client.force_login(partner)
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 200
    assert response.content.decode().count("There is an update.</div>") == 2  # each item's title line


def test_old_rows_with_a_stored_subject_still_read(client, partner):
    Notification.objects.create(recipient=partner, subject="Written before events existed", body="Old body")
    client.force_login(partner)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "Written before events existed" in page
    assert "Old body" in page


def test_old_subject_and_body_arguments_keep_working(partner):
    note = notify(recipients=[partner], subject=lambda u: f"Hello {u.pk}", body="b", email=False)[0]
    assert note.subject == f"Hello {partner.pk}" and note.event == ""


def test_params_must_be_plain_json(partner, action):
    with pytest.raises(TypeError):
        notify(recipients=[partner], event="actions.action_cancelled", params={"action": action})
    assert not Notification.objects.exists()


def test_notify_dedupe_stores_once_per_recipient(partner, action):
    for _attempt in range(2):
        notify(recipients=[partner, partner], event="actions.action_cancelled", params={"code": action.code},
               target=action, dedupe_key="cancel-once", email=False)
    assert Notification.objects.filter(recipient=partner, dedupe_key="cancel-once").count() == 1


def test_email_is_worded_in_the_recipients_language(django_capture_on_commit_callbacks, action, officer, institution):
    french = user_with_role("focal_point", institution=institution, language="fr")
    partner = action.partners.get(institution=institution)
    partner.strategic_focal_point = french
    partner.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action_services.action_cancel(action=action, by=officer, reason="Raison")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[french.email] == f"L'Action {action.code} est annulée"
    english = [p for p in Notification.objects.filter(event="actions.action_cancelled") if p.recipient_id != french.pk]
    assert english and all(subjects[n.recipient.email] == f"Action {action.code} is cancelled" for n in english)
    assert "Raison" in next(m.body for m in mail.outbox if m.to == [french.email])


def test_mark_all_as_read_is_one_update_and_only_mine(client, partner, officer, django_assert_num_queries):
    for n in range(3):
        Notification.objects.create(recipient=partner, subject=f"Mine {n}")
    Notification.objects.create(recipient=officer, subject="Not mine")
    with django_assert_num_queries(1):
        assert notifications_mark_all_read(by=partner) == 3
    assert not Notification.objects.filter(recipient=partner, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=officer).read_at is None


def test_mark_all_as_read_page_posts_and_refuses_get(client, partner):
    Notification.objects.create(recipient=partner, subject="One")
    client.force_login(partner)
    assert client.get(reverse("core:notifications_read_all")).status_code == 405
    assert Notification.objects.get().read_at is None
    response = client.post(reverse("core:notifications_read_all"))
    assert response.status_code == 302
    assert Notification.objects.get().read_at is not None


def test_news_is_grouped_by_object_newest_first(client, action, officer, partner):
    other = make_action(officer, countries=("CV",))
    for n in range(3):
        notify(recipients=[partner], event="actions.fiche_comment", params={"code": action.code, "title": action.title,
               "text": f"comment {n}"}, target=action, email=False)
    notify(recipients=[partner], event="actions.action_cancelled", params={"code": other.code, "title": other.title},
           target=other, email=False)
    notify(recipients=[partner], subject="A loose item", email=False)
    client.force_login(partner)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "3 updates" in page
    # Newest group first: the loose item, then the other Action, then the first Action's three comments.
    assert page.index("A loose item") < page.index(f"Action {other.code} is cancelled") < page.index("comment 2")
    assert page.index("comment 2") < page.index("comment 1") < page.index("comment 0")


def test_group_shows_the_latest_three_and_counts_the_rest(client, action, partner):
    for n in range(5):
        notify(recipients=[partner], event="actions.fiche_comment", params={"code": action.code, "title": action.title,
               "text": f"comment number {n}"}, target=action, email=False)
    client.force_login(partner)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "5 updates" in page
    assert "comment number 4" in page and "comment number 2" in page
    assert "comment number 1" not in page
    assert "and 2 earlier updates" in page


def test_home_panel_shows_unread_news_in_the_readers_language(client, action, officer, partner):
    _cancel(action, officer)
    client.force_login(partner)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("core:home")).content.decode().replace("&#x27;", "'")
    assert f"L'Action {action.code} est annulée" in page


def test_news_page_queries_stay_flat(client, partner, officer):
    client.force_login(partner)
    url = reverse("core:notifications")
    actions = [make_action(officer, countries=("CV",)) for _n in range(6)]

    def add(count):
        for n in range(count):
            target = actions[n % len(actions)]
            notify(recipients=[partner], event="actions.fiche_comment",
                   params={"code": target.code, "title": target.title, "text": f"t{n}"}, target=target, email=False)
            notify(recipients=[partner], subject=f"loose {n}", email=False)

    add(2)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    add(40)
    large, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert_flat(small, large)


def test_unread_count_is_asked_once_per_page(client, partner):
    Notification.objects.create(recipient=partner, subject="One")
    client.force_login(partner)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("core:home"))
    counts = [q["sql"] for q in captured.captured_queries
              if "core_notification" in q["sql"] and "COUNT" in q["sql"].upper()]
    assert len(counts) == 1
