"""The questionnaires panel's rows as the Action page read them before its statements were kept and read ahead
(two plain statements): the reference ``test_action_page_rows`` compares ``selectors.action_page`` with."""

from django.db import connection

from pontis.actions.models import Activity, FollowUp
from pontis.core.i18n import translate
from pontis.core.permissions import can
from pontis.feedback.models import Questionnaire, QuestionnaireVersion
from pontis.feedback.selectors.builder import _json


def action_panel_rows(user, action) -> tuple[list[tuple], list[tuple]] | None:
    """What the Action page's questionnaires panel lists, or None when ``user`` may not view questionnaires:
    ``(questionnaires, follow_ups)``.

    ``questionnaires``: the rows of ``questionnaires_for_action`` as ``(pk, title, purpose, status, latest version
    number or None, activity label or None)``, newest first, the activity labelled as ``str(activity)`` does.
    ``follow_ups``: the rows of ``follow_ups_without_questionnaire`` as ``(pk, months)``.

    Two plain statements instead of three querysets and a prefetch. Visibility is answered by the one check of
    the questionnaire policy: whoever may view questionnaires sees them all (``QuestionnairePolicy.visible_to``
    answers every questionnaire exactly when ``can_view`` is true, both ``is_staff``), and an outcome follow-up is
    visible with its Action (``FollowUpPolicy``), the Action whose page this is. The activity's fields are read by
    subqueries on its primary key: a join made the database read every activity first."""
    if not can(user, "view", Questionnaire):
        return None
    qn = connection.ops.quote_name
    questionnaire, version = qn(Questionnaire._meta.db_table), qn(QuestionnaireVersion._meta.db_table)
    activity, follow_up = qn(Activity._meta.db_table), qn(FollowUp._meta.db_table)
    activity_type = qn(Activity._meta.get_field("type").related_model._meta.db_table)
    one_activity = f"FROM {activity} a WHERE a.id = q.activity_id"
    one_type = f"FROM {activity} a INNER JOIN {activity_type} t ON t.id = a.type_id WHERE a.id = q.activity_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT q.id, q.title, q.purpose, q.status, q.activity_id, "
            f"(SELECT v.number FROM {version} v WHERE v.questionnaire_id = q.id ORDER BY v.number DESC LIMIT 1), "
            f"(SELECT a.title {one_activity}), (SELECT a.sequence {one_activity}), "
            f"(SELECT t.name {one_type}), (SELECT t.code {one_type}) "
            f"FROM {questionnaire} q WHERE q.is_template = %s AND (q.action_id = %s "
            f"OR q.activity_id IN (SELECT id FROM {activity} WHERE action_id = %s) "
            f"OR q.follow_up_id IN (SELECT id FROM {follow_up} WHERE action_id = %s)) "
            f"ORDER BY q.created_at DESC, q.id DESC", [False, action.pk, action.pk, action.pk])
        found = cursor.fetchall()
        cursor.execute(
            f"SELECT f.id, f.months FROM {follow_up} f WHERE f.action_id = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {questionnaire} q WHERE q.follow_up_id = f.id) ORDER BY f.months", [action.pk])
        follow_ups = [tuple(row) for row in cursor.fetchall()]
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


# ---------------------------------------------------------------- the working copy: frozen form, checks
