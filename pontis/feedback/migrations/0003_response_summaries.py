from django.db import migrations, models

# Frozen with this migration (a historical migration must not change when the live code does): a rating of 4 or 5
# counts as satisfied, the values of Question.Type, Question.Level and Question.Phase as they were then.
SATISFIED_FROM = 4
RATING, REACTION, KNOWLEDGE, PRE, POST = "rating", "reaction", "knowledge", "pre", "post"


def fill_summaries(apps, schema_editor):
    """The four summaries of every response already stored, from its answers: two set-based UPDATE ... FROM
    statements (SQLite 3.33 or later, PostgreSQL; a few seconds for 2,000,000 answers on PostgreSQL), the same
    numbers a submission stores. Responses without such answers keep their defaults (0)."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    response = qn(apps.get_model("feedback", "Response")._meta.db_table)
    answer = qn(apps.get_model("feedback", "Answer")._meta.db_table)
    ratings = (
        f"UPDATE {response} SET reaction_ratings = s.n, reaction_satisfied = s.satisfied "
        f"FROM (SELECT response_id, COUNT(*) AS n, SUM(CASE WHEN number >= %s THEN 1 ELSE 0 END) AS satisfied "
        f"FROM {answer} WHERE type = %s AND level = %s AND number IS NOT NULL GROUP BY response_id) s "
        f"WHERE {response}.id = s.response_id")
    knowledge = (
        f"UPDATE {response} SET knowledge_pairs = s.pairs, knowledge_gain = s.gain "
        f"FROM (SELECT response_id, COUNT(*) AS pairs, SUM(post - pre) AS gain FROM ("
        f"SELECT response_id, pair, AVG(CASE WHEN phase = %s THEN number END) AS pre, "
        f"AVG(CASE WHEN phase = %s THEN number END) AS post "
        f"FROM {answer} WHERE type = %s AND number IS NOT NULL AND pair <> '' AND phase IN (%s, %s) "
        f"GROUP BY response_id, pair) p WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY response_id) s "
        f"WHERE {response}.id = s.response_id")
    with connection.cursor() as cursor:
        cursor.execute(ratings, [SATISFIED_FROM, RATING, REACTION])
        cursor.execute(knowledge, [PRE, POST, KNOWLEDGE, PRE, POST])


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0002_invitation_draft_kept"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="reaction_ratings",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="response",
            name="reaction_satisfied",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="response",
            name="knowledge_pairs",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="response",
            name="knowledge_gain",
            field=models.FloatField(default=0),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(condition=models.Q(("person_key", ""), _negated=True), fields=["person_key"],
                               name="response_person_key_set"),
        ),
        migrations.RunPython(fill_summaries, migrations.RunPython.noop),
    ]
