"""The Action page reads what it shows after its Action in one round trip on PostgreSQL
(``core.awaiting.statements_read_ahead`` with the Action as the page's subject): its activities, partners,
deliverables, fiche versions, facts and closure, the panels of the library, the portal and the questionnaires, the
follow button and the layout's unread news.

The page is the same HTML as before in the five languages, with hostile text, for each kind of reader, each
Action's page coming after another Action's (so that it is given the rows read ahead with its own Action's id,
never the other one's); "before" is the page with nothing read ahead and the panels' former reads (the library's
``items_for_action``, the questionnaires' former rows, kept in ``pontis.feedback.tests.action_panel_reference``). On PostgreSQL the page asks
fewer round trips once it has been seen, the same number at two data sizes; on SQLite the same as before."""

import contextlib
import datetime
import itertools
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from pontis.actions import views as action_views
from pontis.actions.models import Action, ActionPartner, Activity, Deliverable, FicheVersion, FollowUp, SelfAssessment
from pontis.actions.tests.factories import agreed_action, make_action
from pontis.core import awaiting
from pontis.core.models import ActivityType, DeliverableType, Follow, GoodPracticeFeature, Notification
from pontis.feedback.models import Questionnaire, QuestionnaireVersion
from pontis.feedback.tests import action_panel_reference as old_questionnaires
from pontis.feedback.wiring import builder as questionnaires_wiring
from pontis.knowledge import selectors as old_library
from pontis.knowledge.models import LibraryItem, PublishedAction
from pontis.knowledge.wiring import library as library_wiring
from tests.factories import InstitutionFactory, user_with_role

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & « \"Gestion\" » {{ x }} {% y %} \u202edir\u200b 100%"
D = datetime.date
_n = itertools.count(1)
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|name="idempotency_key" value=|"X-CSRFToken": )"[^"]*"')


@pytest.fixture(autouse=True)
def _fresh():
    awaiting.forget_prepared()
    yield
    awaiting.forget_prepared()


def _questionnaire(title, **target):
    q = Questionnaire.objects.create(title=title, status="open", purpose="participant", languages=["en"], **target)
    QuestionnaireVersion.objects.create(questionnaire=q, number=len(title) % 7 + 1, questions=[])
    return q


def _fill(action, n: int):
    """``n`` of each part the page shows of ``action``, with hostile text."""
    workshop = ActivityType.objects.get(code="workshop")
    for k in (next(_n) for _ in range(n)):
        activity = Activity.objects.create(action=action, sequence=20 + k, type=workshop,
                                           title={"fr": f"Atelier {k} {HOSTILE}"}, start_date=D(2031, 3, 1 + k % 28),
                                           place=HOSTILE if k % 2 else "Praia")
        Deliverable.objects.create(action=action, type=DeliverableType.objects.first(), title={"en": f"Guide {k} {HOSTILE}"})
        FicheVersion.objects.create(action=action, number=10 + k, status=FicheVersion.Status.SUPERSEDED)
        ActionPartner.objects.create(action=action, institution=InstitutionFactory(name={"ru": f"Ведомство {k} {HOSTILE}"}))
        _questionnaire({"es": f"Encuesta {k} {HOSTILE}"}, activity=activity)
        _questionnaire({"en": f"About the Action {k}"}, action=action)
        for visibility, status in (("public", "published"), ("staff", "draft"), ("members", "published")):
            item = LibraryItem.objects.create(kind=LibraryItem.Kind.CASE_STUDY, slug=f"case-{action.pk}-{k}-{visibility}",
                                              title={"pt": f"Caso {k} {HOSTILE}"}, visibility=visibility, status=status,
                                              year=2020 + k % 9)
            item.actions.set([action])


def _completed(action):
    for feature, comment in zip(GoodPracticeFeature.objects.order_by("-number")[:3], (HOSTILE, "", "Fine"), strict=True):
        SelfAssessment.objects.create(action=action, feature=feature, score=3, comment=comment)
    moment = datetime.datetime(2031, 5, 6, 7, 8, tzinfo=datetime.UTC)
    follow_up = FollowUp.objects.create(action=action, months=12, due_on=D(2032, 1, 1), reminded_at=moment)
    FollowUp.objects.create(action=action, months=6, due_on=D(2031, 7, 1), reminded_at=moment, recorded_at=moment,
                            outcome=HOSTILE)
    FollowUp.objects.create(action=action, months=24, due_on=D(2033, 1, 1))
    _questionnaire({"en": f"Follow-up {HOSTILE}"}, follow_up=follow_up)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.COMPLETED, final_report=HOSTILE)


@pytest.fixture
def world(officer, focal_point, institution):
    ongoing = agreed_action(officer, focal_point, institution)
    Action.objects.filter(pk=ongoing.pk).update(title={"fr": HOSTILE}, status=Action.Status.ONGOING, owner=officer)
    _fill(ongoing, 2)
    completed, other_completed = make_action(officer), make_action(officer, institution=institution)
    for action, n in ((completed, 3), (other_completed, 1)):
        _fill(action, n)
        _completed(action)
    PublishedAction.objects.create(action=completed, slug="completed", summary={"en": HOSTILE}, is_published=True)
    cancelled = make_action(officer)
    Action.objects.filter(pk=cancelled.pk).update(status=Action.Status.CANCELLED, cancel_reason=HOSTILE)
    admin, committee = user_with_role("admin"), user_with_role("committee")
    action_type = ContentType.objects.get_for_model(Action)
    for person, action in ((officer, ongoing), (officer, completed), (admin, other_completed)):
        Follow.objects.create(user=person, target_type=action_type, target_id=action.pk)
    for k, person in enumerate((officer, officer, admin, focal_point)):
        Notification.objects.create(recipient=person, subject=f"News {k}")
    return {"readers": {"officer": officer, "admin": admin, "committee": committee, "focal_point": focal_point},
            "actions": [ongoing, completed, other_completed, cancelled]}


@contextlib.contextmanager
def _as_before(monkeypatch):
    """The page as it was: nothing read ahead, and the panels' former reads."""
    with monkeypatch.context() as patched:
        patched.setattr(action_views, "statements_read_ahead", lambda *args, **kwargs: contextlib.nullcontext())
        patched.setattr(questionnaires_wiring, "action_panel_rows", old_questionnaires.action_panel_rows)
        patched.setattr(library_wiring, "library_items_of_action", old_library.items_for_action)
        yield


def _pages(client, readers, actions, language, urls=("",)):
    """Each reader's page of each Action (twice in turn, each page after another Action's), masked."""
    pages = {}
    client.cookies["django_language"] = language
    for name, reader in readers.items():
        client.force_login(reader)
        for _round in range(2):
            for action in actions:
                for query in urls:
                    response = client.get(reverse("actions:detail", args=[action.code]) + query)
                    page = (response.status_code, VOLATILE.sub(r"\1", response.content.decode()))
                    assert pages.setdefault((name, action.code, query), page) == page
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_is_the_same_html_as_before_for_every_reader(client, world, monkeypatch, language):
    readers, actions = world["readers"], world["actions"]
    with _as_before(monkeypatch):
        before = _pages(client, readers, actions, language)
    awaiting.forget_prepared()
    after = _pages(client, readers, actions, language)
    assert after == before
    shown = [page for (status, page) in after.values() if status == 200]
    assert len(shown) >= 10 and all("<script>alert" not in page for page in shown)
    officer_page = after[("officer", world["actions"][1].code, "")][1]
    assert "Caso " in officer_page and "Follow-up &lt;script&gt;" in officer_page and "Ведомство " in officer_page


def test_every_activity_and_the_first_ones_are_the_same_as_before(client, world, monkeypatch):
    readers, actions = {"officer": world["readers"]["officer"]}, world["actions"][:2]
    for action in actions:
        for k in range(action_views.ACTIVITIES_SHOWN + 2):
            Activity.objects.create(action=action, sequence=100 + k, type=ActivityType.objects.first(),
                                    title={"en": f"More {k}"})
    with _as_before(monkeypatch):
        before = _pages(client, readers, actions, "fr", urls=("", "?activities=all"))
    awaiting.forget_prepared()
    assert _pages(client, readers, actions, "fr", urls=("", "?activities=all", "")) == before


def _page_trips(client, action):
    """(round trips of the Action's page, the most statements one of them carried)."""
    url = reverse("actions:detail", args=[action.code])
    calls = []

    def counted(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        response = client.get(url)
    assert response.status_code == 200
    return len(calls), max(sql.count(";\n") + 1 for sql in calls)


def test_the_page_reads_its_statements_in_one_round_trip_on_postgresql(client, world, monkeypatch):
    officer = world["readers"]["officer"]
    _ongoing, completed, other_completed, _cancelled = world["actions"]
    client.force_login(officer)
    _page_trips(client, completed)  # the statements kept, and which ones the page asks noted
    small, at_once = _page_trips(client, other_completed)  # another Action's page: its own rows, read ahead
    _fill(other_completed, 6)
    assert _page_trips(client, other_completed) == (small, at_once)
    with _as_before(monkeypatch):
        alone_small, one = _page_trips(client, completed)
        _fill(completed, 5)
        assert _page_trips(client, completed) == (alone_small, one) and one == 1
    if POSTGRESQL:
        # Thirteen statements after the Action's own in one round trip: its lists, closure and facts, the panels of
        # the library, portal and questionnaires, the follow button and the unread news. (The figures panel reads
        # its figures on their own: they are kept a minute outside tests.)
        assert at_once == 13 and small == alone_small - 12, (small, alone_small)
    else:
        assert (small, at_once) == (alone_small, 1)
