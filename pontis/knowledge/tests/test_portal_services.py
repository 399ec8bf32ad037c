"""Publishing an Action on the portal: what is saved, what publishing needs, who may do it, renamed slugs."""

import datetime

import pytest

from pontis.actions.models import Action
from pontis.actions.tests.factories import make_action
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from pontis.knowledge import indexing, portal
from pontis.knowledge.models import PublishedAction, SlugRedirect
from tests.factories import user_with_role

from .portal_factories import publish_action

pytestmark = pytest.mark.django_db

AGREEMENT = {"partner_agreed_by": "Ministry of the Interior", "partner_agreed_on": datetime.date(2024, 1, 10)}


@pytest.fixture
def indexed(monkeypatch):
    calls = []
    monkeypatch.setattr(indexing, "item_changed", lambda kind, pk: calls.append((kind, pk)))
    return calls


def _audit_rows(obj):
    return AuditEvent.objects.filter(object_id=str(obj.pk), content_type__model="publishedaction").count()


def test_saving_records_what_may_be_shown_without_publishing(officer, indexed):
    action = make_action(officer)

    pa = portal.published_action_save(action=action, by=officer, slug="cv-borders", summary={"en": "Summary"},
                                      results={"fr": "Résultats", "xx": "dropped"}, show_partners=False, **AGREEMENT)

    pa.refresh_from_db()
    assert (pa.slug, pa.is_published, pa.show_partners, pa.show_activities) == ("cv-borders", False, False, True)
    assert pa.results == {"fr": "Résultats"}
    assert indexed == [("action", pa.pk)]
    assert _audit_rows(pa) == 1


def test_saving_the_same_thing_twice_changes_nothing(officer, indexed):
    action = make_action(officer)
    values = {"slug": "same", "summary": {"en": "Summary"}, **AGREEMENT}
    pa = portal.published_action_save(action=action, by=officer, **values)

    again = portal.published_action_save(action=action, by=officer, **values)

    assert again.pk == pa.pk and PublishedAction.objects.count() == 1
    assert _audit_rows(pa) == 1 and len(indexed) == 1


def test_publishing_needs_the_partners_agreement_and_a_summary(officer, indexed):
    action = make_action(officer)
    pa = portal.published_action_save(action=action, by=officer, slug="no-agreement", summary={})

    with pytest.raises(ValidationFailed) as refused:
        portal.published_action_publish(published=pa, by=officer)

    assert set(refused.value.errors) == {"partner_agreed_by", "partner_agreed_on", "summary"}
    pa.refresh_from_db()
    assert pa.is_published is False


def test_publish_and_withdraw_are_audited_indexed_and_idempotent(officer, indexed):
    pa = publish_action(officer)
    indexed.clear()

    assert portal.published_action_publish(published=pa, by=officer).is_published is True  # already: no change
    assert indexed == []
    pa = portal.published_action_unpublish(published=pa, by=officer)
    portal.published_action_unpublish(published=pa, by=officer)

    pa.refresh_from_db()
    assert pa.is_published is False
    assert indexed == [("action", pa.pk)]
    assert AuditEvent.objects.filter(object_id=str(pa.pk), content_type__model="publishedaction",
                                     action="transition").count() == 2


@pytest.mark.parametrize("role", ["focal_point", "expert", "committee", "observer"])
def test_only_staff_write(officer, role, indexed):
    pa = publish_action(officer, published=False)
    someone = user_with_role(role)
    indexed.clear()

    with pytest.raises(NotAllowed):
        portal.published_action_save(action=pa.action, by=someone, slug="taken-over", summary={"en": "x"})
    with pytest.raises(NotAllowed):
        portal.published_action_publish(published=pa, by=someone)

    pa.refresh_from_db()
    assert (pa.slug.startswith("action-"), pa.is_published, indexed) == (True, False, [])


def test_a_cancelled_action_is_not_published(officer):
    pa = publish_action(officer, published=False)
    Action.objects.filter(pk=pa.action_id).update(status=Action.Status.CANCELLED)

    with pytest.raises(IllegalTransition):
        portal.published_action_publish(published=pa, by=officer)


@pytest.mark.parametrize("slug", ["", "has space", "x" * 121, "é<script>"])
def test_a_bad_slug_is_refused_with_a_message(officer, slug):
    with pytest.raises(ValidationFailed) as refused:
        portal.published_action_save(action=make_action(officer), by=officer, slug=slug, summary={"en": "S"})

    assert "slug" in refused.value.errors
    assert PublishedAction.objects.count() == 0


def test_a_slug_in_use_is_refused(officer):
    publish_action(officer, slug="taken")

    with pytest.raises(ValidationFailed) as refused:
        portal.published_action_save(action=make_action(officer), by=officer, slug="taken", summary={"en": "S"})

    assert "slug" in refused.value.errors


def test_an_agreement_in_the_future_is_refused(officer):
    with pytest.raises(ValidationFailed) as refused:
        portal.published_action_save(action=make_action(officer), by=officer, slug="future", summary={"en": "S"},
                                     partner_agreed_by="Someone", partner_agreed_on=datetime.date(2999, 1, 1))

    assert "partner_agreed_on" in refused.value.errors


def test_renaming_leaves_a_redirect_and_renaming_back_removes_it(officer):
    pa = publish_action(officer, slug="first-name")
    values = {"summary": pa.summary, "results": pa.results, **AGREEMENT}

    portal.published_action_save(action=pa.action, by=officer, slug="second-name", **values)
    assert list(SlugRedirect.objects.values_list("kind", "old_slug", "target_id")) == [("action", "first-name", pa.pk)]

    portal.published_action_save(action=pa.action, by=officer, slug="first-name", **values)
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second-name"]
