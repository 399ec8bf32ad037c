"""The practice library's stress-data step at a tiny size: it adds what it says, tagged and linked, and published
Actions for about 30% of the completed Actions of the run."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from pontis.actions.models import Action
from pontis.devtools.scale import registered_steps
from pontis.knowledge.models import LibraryItem, PublishedAction, SearchDocument

SIZES = {"institutions": 8, "people": 3, "experts": 10, "requests": 5, "actions": 60, "activities": 60,
         "deployments": 20, "library": 120}


def generate(**sizes):
    out = StringIO()
    options = {step.name: sizes.get(step.name, 0) for step in registered_steps()}
    call_command("generate_scale_data", stdout=out, no_vacuum=True, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_the_library_step_is_registered_after_the_actions():
    names = [step.name for step in registered_steps()]
    assert names.index("library") > names.index("actions")
    assert next(s for s in registered_steps() if s.name == "library").default == 5_000


@pytest.mark.django_db
def test_the_library_step_adds_tagged_items_and_published_actions():
    out = generate(**SIZES)
    items = LibraryItem.objects.filter(slug__startswith="scale-r1-item-")
    assert items.count() == 120
    published = PublishedAction.objects.filter(slug__endswith="-scale-r1")
    match = re.search(r"library: 120 library items, (\d+) published Actions, (\d+) search documents", out)
    assert match and int(match.group(1)) == published.count()
    # Published items and Actions shown on the portal have their search documents, one per UI language; the
    # drafts and withdrawn items have none.
    documents = SearchDocument.objects.all()
    assert int(match.group(2)) == documents.count() > 0
    indexed = set(documents.exclude(kind="action").values_list("object_id", flat=True))
    assert indexed == set(items.filter(status="published").values_list("pk", flat=True))
    assert set(documents.filter(kind="action").values_list("object_id", flat=True)) == \
        set(published.filter(is_published=True).values_list("pk", flat=True))
    # Every item has a kind, a title in at least one language, a country, a theme and a language.
    assert set(items.values_list("kind", flat=True)) <= set(LibraryItem.Kind.values)
    assert items.values("kind").distinct().count() >= 3
    for field in ("countries", "themes", "languages"):
        assert not items.filter(**{f"{field}__isnull": True}).exists(), field
    assert all(item.title for item in items)
    # Visibilities and statuses are mixed; drafts carry no publication date.
    assert set(items.values_list("visibility", flat=True)) == {"public", "members", "staff"}
    assert not items.filter(status="draft", published_at__isnull=False).exists()
    # Shared deliverables have a type, case studies their sections, links go to this run's Actions.
    assert not items.filter(kind="shared_deliverable", deliverable_type__isnull=True).exists()
    assert all(cs.context and cs.lessons for cs in items.filter(kind="case_study"))
    assert items.filter(actions__isnull=False).exists()
    # Published Actions belong to completed Actions, one each, about 30% of them.
    completed = Action.objects.filter(status="completed").count()
    assert not published.exclude(action__status="completed").exists()
    assert 0 < published.count() < completed
    # A second run adds the same number again without a collision.
    generate(**SIZES)
    assert LibraryItem.objects.filter(slug__startswith="scale-r2-item-").count() == 120


@pytest.mark.django_db
def test_zero_library_items_adds_nothing():
    out = generate(**(SIZES | {"library": 0}))
    assert "library: no library items" in out
    assert not LibraryItem.objects.exists() and not PublishedAction.objects.exists()
