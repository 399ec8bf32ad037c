"""No secret in the audit trail: one rule in core.audit for every model, single and bulk writers, and the scrub of
the rows written before the rule existed."""

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from pontis.accounts import services
from pontis.accounts.models import ApiToken, User
from pontis.core import audit
from pontis.core.models import AuditEvent
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

SECRET_MARKERS = ("pbkdf2", "argon2", "bcrypt", "sha256$")


def _rows_for(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


def _history(client, obj):
    ct = ContentType.objects.get_for_model(obj)
    return client.get(f"/history/{ct.pk}/{obj.pk}/")


def test_a_person_created_with_a_password_leaves_no_password_in_the_trail(client, officer):
    # when an officer creates a person with a password
    person = services.user_create(email="amina@example.org", password="s3cret-pass-123", given_name="Amina", by=officer)

    # then the create row holds the e-mail and name, and no password nor its hash
    [row] = _rows_for(person)
    assert row.changes["email"] == [None, "amina@example.org"]
    assert "password" not in row.changes
    assert "last_login" not in row.changes
    assert not any(marker in str(row.changes) for marker in SECRET_MARKERS)

    # and the officer's history page of that person shows no hash
    client.force_login(officer)
    page = _history(client, person)
    assert page.status_code == 200
    assert b"amina@example.org" in page.content
    assert b"pbkdf2" not in page.content
    assert b"password" not in page.content


def test_a_changed_password_is_not_recorded(officer):
    person = services.user_create(email="karim@example.org", password="first-pass-123", by=officer)

    # when the password changes inside a tracked update (as an admin-site save does)
    with audit.tracking(person, by=officer):
        person.set_password("second-pass-456")
        person.save()

    # then nothing is recorded: the only change was a secret
    assert [row.action for row in _rows_for(person)] == ["create"]
    assert all("password" not in row.changes for row in AuditEvent.objects.all())


def test_an_issued_token_leaves_no_digest_and_its_history_shows_none(client, officer, admin_user):
    # when a token is issued and revoked
    token, raw = services.api_token_issue(user=officer, name="laptop")
    services.api_token_revoke(token=token, by=officer)

    # then no row holds the digest or the raw secret
    rows = _rows_for(token)
    assert [r.action for r in rows] == ["create", "update"]
    assert "digest" not in rows[0].changes and "last_used_at" not in rows[0].changes
    assert rows[0].changes["name"] == [None, "laptop"]
    assert list(rows[1].changes) == ["revoked_at"]
    for row in AuditEvent.objects.all():
        assert token.digest not in str(row.changes)
        assert raw not in str(row.changes)

    client.force_login(admin_user)
    page = _history(client, token)
    assert page.status_code == 200
    assert token.digest.encode() not in page.content


def test_changes_passed_by_hand_obey_the_same_rule(officer):
    institution = InstitutionFactory()

    row = audit.record(institution, action="update", by=officer,
                       changes={"password": ["a", "b"], "secret": ["x", "y"], "acronym": ["A", "B"]})

    assert row.changes == {"acronym": ["A", "B"]}


def test_a_model_declares_what_is_left_out():
    assert audit.is_audited(ApiToken, "name")
    assert not audit.is_audited(ApiToken, "digest")          # global deny-list
    assert not audit.is_audited(ApiToken, "last_used_at")    # ApiToken.audit_exclude
    assert not audit.is_audited(User, "password")
    assert audit.is_audited(User, "email")


def test_authenticators_are_never_snapshot(officer):
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)

    assert audit.snapshot(authenticator) == {}
    row = audit.record_create(authenticator, by=officer)
    assert row.changes == {}


def test_record_many_writes_the_same_rows_as_record_with_the_same_rule(officer):
    people = [services.user_create(email=f"p{i}@example.org", password="pw-123456789") for i in range(3)]

    count = audit.record_many(people, action="create", by=officer, note="import",
                              changes=lambda p: {"email": [None, p.email], "password": [None, p.password]},
                              batch_size=2)

    assert count == 3
    rows = list(AuditEvent.objects.filter(note="import").order_by("id"))
    assert [r.object_id for r in rows] == [str(p.pk) for p in people]
    assert all(r.actor == officer and r.actor_label == officer.email and r.action == "create" for r in rows)
    assert [r.changes for r in rows] == [{"email": [None, p.email]} for p in people]
    assert [r.object_repr for r in rows] == [str(p)[:255] for p in people]


def test_the_migration_scrubs_rows_written_before_the_rule(officer):
    # given rows written by the old code: a password hash on a person, a digest on a token
    person = services.user_create(email="old@example.org", password="old-pass-123", by=officer)
    token, _raw = services.api_token_issue(user=officer)
    AuditEvent.objects.bulk_create([
        AuditEvent(actor_label="old", action="update", content_type=ContentType.objects.get_for_model(User),
                   object_id=str(person.pk), object_repr=str(person),
                   changes={"password": [None, person.password], "given_name": ["", "Old"]}),
        AuditEvent(actor_label="old", action="create", content_type=ContentType.objects.get_for_model(ApiToken),
                   object_id=str(token.pk), object_repr=str(token),
                   changes={"digest": [None, token.digest], "last_used_at": [None, "2026-01-01"], "name": [None, "x"]}),
    ])

    # when the data migration runs
    name = "0004_audit_access_actions_and_no_secrets"
    migration = importlib.import_module(f"pontis.core.migrations.{name}")
    apps = MigrationLoader(connection).project_state(("core", name)).apps  # the models as the migration sees them
    # (the scrub only reads ``schema_editor.connection``; SQLite refuses a real editor inside the test transaction)
    migration.scrub(apps, SimpleNamespace(connection=connection))

    # then the secrets are gone and the rest is kept
    person_rows = [r.changes for r in _rows_for(person) if r.actor_label == "old"]
    token_rows = [r.changes for r in _rows_for(token) if r.actor_label == "old"]
    assert person_rows == [{"given_name": ["", "Old"]}]
    assert token_rows == [{"name": [None, "x"]}]
    assert not AuditEvent.objects.filter(changes__has_any_keys=["password", "digest"]).exists()


def test_a_model_may_name_the_only_fields_audited(officer, monkeypatch):
    from pontis.accounts.models import Institution

    monkeypatch.setattr(Institution, "audit_fields", frozenset({"acronym"}), raising=False)
    institution = InstitutionFactory(acronym="OLD", website="https://old.example")

    row = audit.record_create(institution, by=officer)

    assert row.changes == {"acronym": [None, "OLD"]}
