"""What the questionnaires panel of an Action's page reads: its questionnaires and the follow-ups still without one,
as plain rows through kept statements (``core.awaiting.kept_sql_rows``), so that the page reads them in the same
round trip as its own lists."""

from __future__ import annotations

import functools
import json

from django.db import connection

from pontis.actions.models import Activity, FollowUp
from pontis.core.awaiting import kept_sql_rows
from pontis.core.i18n import translate
from pontis.core.permissions import can

from ..models import Questionnaire, QuestionnaireVersion


@functools.cache
def _statements(vendor: str) -> dict[str, str]:
    """The panel's two statements, written once per database kind from the models.

    The questionnaires: those about the Action itself, one of its activities or one of its follow-ups, each of the
    three found through its own index (on PostgreSQL the ids of the Action's activities and follow-ups are read
    first, as arrays, so that the database combines the three index scans; as subqueries it read every
    questionnaire, in order of creation, to test each against them); the activity's title, sequence and type by
    primary key, the latest version by the (questionnaire, number) index (the activity's fields were four
    subqueries per row before)."""
    qn = connection.ops.quote_name
    questionnaire, version = qn(Questionnaire._meta.db_table), qn(QuestionnaireVersion._meta.db_table)
    activity, follow_up = qn(Activity._meta.db_table), qn(FollowUp._meta.db_table)
    activity_type = qn(Activity._meta.get_field("type").related_model._meta.db_table)

    def among(column: str, table: str) -> str:
        ids = f"SELECT x.id FROM {table} x WHERE x.action_id = %(action)s"
        return f"q.{column} = ANY(ARRAY({ids}))" if vendor == "postgresql" else f"q.{column} IN ({ids})"

    return {
        "questionnaires": (
            f"SELECT q.id, q.title, q.purpose, q.status, q.activity_id, "
            f"(SELECT MAX(v.number) FROM {version} v WHERE v.questionnaire_id = q.id), a.title, a.sequence, t.name, "
            f"t.code FROM {questionnaire} q LEFT OUTER JOIN {activity} a ON a.id = q.activity_id "
            f"LEFT OUTER JOIN {activity_type} t ON t.id = a.type_id "
            f"WHERE q.is_template = %(template)s AND (q.action_id = %(action)s OR {among('activity_id', activity)} "
            f"OR {among('follow_up_id', follow_up)}) ORDER BY q.created_at DESC, q.id DESC"),
        "follow_ups": (
            f"SELECT f.id, f.months FROM {follow_up} f WHERE f.action_id = %(action)s AND NOT EXISTS "
            f"(SELECT 1 FROM {questionnaire} q WHERE q.follow_up_id = f.id) ORDER BY f.months"),
    }


def _json(value):
    """A JSON column read by a plain cursor: decoded text (SQLite, and PostgreSQL as Django configures psycopg), or
    the value itself when the driver already decoded it."""
    return json.loads(value) if isinstance(value, str) else value


def action_panel_rows(user, action) -> tuple[list[tuple], list[tuple]] | None:
    """What the Action page's questionnaires panel lists, or None when ``user`` may not view questionnaires:
    ``(questionnaires, follow_ups)``.

    ``questionnaires``: the rows of ``selectors.builder.questionnaires_for_action`` as ``(pk, title, purpose,
    status, latest version number or None, activity label or None)``, newest first, the activity labelled as
    ``str(activity)`` does. ``follow_ups``: the rows of ``selectors.builder.follow_ups_without_questionnaire`` as
    ``(pk, months)``.

    Visibility is answered by the one check of the questionnaire policy: whoever may view questionnaires sees them
    all (``QuestionnairePolicy.visible_to`` answers every questionnaire exactly when ``can_view`` is true, both
    ``is_staff``), and an outcome follow-up is visible with its Action (``FollowUpPolicy``), the Action whose page
    this is."""
    if not can(user, "view", Questionnaire):
        return None
    statements, values = _statements(connection.vendor), {"action": action.pk}
    found = kept_sql_rows("feedback.action_page.questionnaires", statements["questionnaires"], values,
                          constants={"template": False})
    follow_ups = [tuple(row) for row in kept_sql_rows("feedback.action_page.follow_ups", statements["follow_ups"],
                                                      values)]
    questionnaires = []
    for pk, title, purpose, status, activity_id, latest, a_title, sequence, t_name, t_code in found:
        label = None
        if activity_id is not None:
            # Activity.__str__: the Action's code (the activity is one of this Action's), its sequence, and its
            # title, else its type's name, else the type's code.
            name = translate(_json(a_title)) or (translate(_json(t_name)) or t_code)
            label = f"{action.code} · {sequence}. {name}"
        questionnaires.append((pk, _json(title), purpose, status, latest, label))
    return questionnaires, follow_ups
