"""The inverted index of the search documents (one posting per term of a document), filled from the documents
already stored, before its lookup index is built (faster in bulk)."""

from collections import Counter

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    """One posting per distinct stem of each document (its count in the terms, whether it is in the title) and
    per concept ("#12"), exactly as the index module writes them."""
    document_model = apps.get_model("knowledge", "SearchDocument")
    term_model = apps.get_model("knowledge", "SearchTerm")
    db = schema_editor.connection.alias
    last = 0
    while True:
        rows = list(
            document_model.objects.using(db)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "language", "title_terms", "terms", "concept_ids")[:BATCH]
        )
        if not rows:
            break
        postings = []
        for pk, language, title_terms, terms, concept_ids in rows:
            counts = Counter(terms.split())
            title = set(title_terms.split())
            for stem in title:
                counts.setdefault(stem, 0)
            postings += [
                term_model(document_id=pk, language=language, term=stem, count=count, in_title=stem in title)
                for stem, count in counts.items()
            ]
            postings += [
                term_model(document_id=pk, language=language, term=f"#{cid}", count=1)
                for cid in concept_ids.split()
                if cid.isdigit()
            ]
        term_model.objects.using(db).bulk_create(postings, batch_size=5000)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_thesaurus"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=5)),
                ("term", models.TextField()),
                ("count", models.PositiveIntegerField(default=0)),
                ("in_title", models.BooleanField(default=False)),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="postings", to="knowledge.searchdocument"
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["term", "language", "document", "count", "in_title"], name="search_term_lookup"),
        ),
    ]
