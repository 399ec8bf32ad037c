"""The migration to ``Action.source_request`` keeps every existing link: from the old integer
``Action.source_request_id`` and from the old ``intake_request.action_id`` column (databases made before)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# People as they were then too: the user table's later columns (time zone) did not exist yet.
BEFORE = [("actions", "0002_actioncodecounter_action_approved_on_and_more"), ("intake", "0001_initial"),
          ("accounts", "0002_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_links_are_copied_from_both_old_places_and_the_old_column_dropped():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    Request = old.get_model("intake", "Request")
    Action = old.get_model("actions", "Action")
    # The column an earlier 0001 created (a database made before the change has it).
    with connection.schema_editor() as editor:
        editor.execute("ALTER TABLE intake_request ADD COLUMN action_id bigint NULL")
    user = User.objects.create(email="old@pontis.example", password="x")
    by_integer, by_column, orphan_request = (
        Request.objects.create(title={"en": t}, status="draft", submitted_by=user) for t in ("a", "b", "c"))
    first = Action.objects.create(code="2020-01", title={"en": "A"}, source_request_id=by_integer.pk)
    second = Action.objects.create(code="2020-02", title={"en": "B"})
    dangling = Action.objects.create(code="2020-03", title={"en": "C"}, source_request_id=999999)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_request SET action_id = %s WHERE id = %s", [second.pk, by_column.pk])

    new = _migrate(latest)

    Action = new.get_model("actions", "Action")
    assert Action.objects.get(pk=first.pk).source_request_id == by_integer.pk
    assert Action.objects.get(pk=second.pk).source_request_id == by_column.pk
    assert Action.objects.get(pk=dangling.pk).source_request_id is None  # no such request: no broken link
    assert not Action.objects.filter(source_request_id=orphan_request.pk).exists()
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "intake_request")}
    assert "action_id" not in columns
