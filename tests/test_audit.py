"""The audit trail: field-level before/after on create, update and transition; append-only; visible to staff."""

import pytest
from django.contrib.contenttypes.models import ContentType

from pontis.accounts import services
from pontis.accounts.models import Institution
from pontis.core import audit
from pontis.core.models import AuditEvent, AuthorityType, Country
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def _events_for(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


def test_create_records_who_and_every_filled_field(officer):
    # given a national-government type and Peru
    kind = AuthorityType.objects.get(code="national_government")
    peru = Country.objects.get(code="PE")

    # when an officer creates an institution
    institution = services.institution_create(by=officer, name={"en": "Ministry of Interior"}, type=kind, country=peru,
                                              acronym="MININTER")

    # then one create event names the officer and holds each value as [None, value]
    [event] = _events_for(institution)
    assert event.action == "create"
    assert event.actor == officer
    assert event.actor_label == officer.email
    assert event.object_id == str(institution.pk)
    assert event.content_type == ContentType.objects.get_for_model(Institution)
    assert event.changes["name"] == [None, {"en": "Ministry of Interior"}]
    assert event.changes["acronym"] == [None, "MININTER"]
    assert event.changes["country"] == [None, peru.pk]
    assert event.changes["type"] == [None, kind.pk]
    assert "website" not in event.changes  # empty values are not noise in the trail


def test_update_records_only_the_changed_fields_with_before_and_after(officer):
    # given an institution
    institution = InstitutionFactory(acronym="OLD", website="")

    # when an officer changes its acronym only
    services.institution_update(institution=institution, by=officer, acronym="NEW")

    # then one update event with exactly that field's before/after
    [event] = _events_for(institution)
    assert event.action == "update"
    assert event.actor == officer
    assert event.changes == {"acronym": ["OLD", "NEW"]}


def test_update_without_a_change_records_nothing(officer):
    institution = InstitutionFactory(acronym="SAME")

    services.institution_update(institution=institution, by=officer, acronym="SAME")

    assert _events_for(institution) == []


def test_transition_records_the_field_before_and_after(officer):
    institution = InstitutionFactory()

    event = audit.record_transition(institution, by=officer, field="status", before="draft", after="submitted", note="why")

    assert _events_for(institution) == [event]
    assert event.action == "transition"
    assert event.changes == {"status": ["draft", "submitted"]}
    assert event.note == "why"


def test_delete_records_the_values_that_were_there(officer):
    institution = InstitutionFactory(acronym="GONE")

    event = audit.record_delete(institution, by=officer)

    assert event.action == "delete"
    assert event.changes["acronym"] == ["GONE", None]


def test_system_changes_are_recorded_as_system():
    institution = InstitutionFactory()

    event = audit.record_transition(institution, by=None, before="a", after="b")

    assert event.actor is None
    assert event.actor_label == "system"


def test_refused_update_changes_nothing_and_records_nothing(expert_user):
    # given an institution
    institution = InstitutionFactory(acronym="KEEP")

    # when an expert (who may not change institutions) tries
    from pontis.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.institution_update(institution=institution, by=expert_user, acronym="HACKED")

    # then nothing changed and the trail is empty
    institution.refresh_from_db()
    assert institution.acronym == "KEEP"
    assert _events_for(institution) == []


def test_the_trail_is_append_only_for_instances(officer):
    institution = InstitutionFactory()
    event = audit.record_transition(institution, by=officer, before="a", after="b")

    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.note == ""


def test_the_trail_is_append_only_for_querysets(officer):
    institution = InstitutionFactory()
    audit.record_transition(institution, by=officer, before="a", after="b")

    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(note="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.for_object(institution).count() == 1
    assert AuditEvent.objects.for_object(institution).get().note == ""


# ------------------------------------------------------------------ history on the institution page


@pytest.fixture
def changed_institution(officer):
    institution = InstitutionFactory(acronym="BEFORE")
    services.institution_update(institution=institution, by=officer, acronym="AFTER")
    return institution


def _history_url(obj):
    from pontis.core.templatetags.pontis import history_url

    return history_url(obj)


@pytest.mark.parametrize("role_fixture", ["officer", "admin_user"])
def test_staff_see_the_history_section_and_the_history(client, changed_institution, role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)

    page = client.get(f"/people/institutions/{changed_institution.pk}/")
    history = client.get(_history_url(changed_institution))

    assert page.status_code == 200
    assert _history_url(changed_institution).encode() in page.content
    assert history.status_code == 200
    assert b"BEFORE" in history.content
    assert b"AFTER" in history.content


@pytest.mark.parametrize("role_fixture", ["committee_member", "observer"])
def test_non_staff_see_the_institution_without_its_history(client, changed_institution, role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)

    page = client.get(f"/people/institutions/{changed_institution.pk}/")
    history = client.get(_history_url(changed_institution))

    assert page.status_code == 200
    assert _history_url(changed_institution).encode() not in page.content
    assert history.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_for_history(client, changed_institution):
    response = client.get(_history_url(changed_institution))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
