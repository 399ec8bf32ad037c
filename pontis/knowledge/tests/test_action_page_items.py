"""The library panel of an Action's page reads its items through a statement kept per class of reader
(``action_page.library_items_of_action``): the same items, in the same order, as ``selectors.items_for_action`` for
every kind of reader, each asked after readers of other classes."""

import pytest

from pontis.actions.models import Action
from pontis.core import awaiting
from pontis.knowledge.action_page import library_items_of_action
from pontis.knowledge.selectors import items_for_action
from tests.factories import user_with_role

from .portal_factories import library_item

pytestmark = pytest.mark.django_db


def test_each_reader_gets_the_items_the_selector_answers(django_user_model):
    awaiting.forget_prepared()
    first = Action.objects.create(code="2024-01", title={"en": "First"})
    second = Action.objects.create(code="2024-02", title={"en": "Second"})
    bare = Action.objects.create(code="2024-03", title={"en": "Bare"})
    for visibility in ("public", "members", "staff"):
        for status in ("published", "draft", "withdrawn"):
            library_item(visibility=visibility, status=status, actions=[first], title={"fr": f"<b>{visibility}</b>"})
        library_item(visibility=visibility, actions=[first, second])
    readers = [user_with_role(role) for role in ("officer", "admin", "committee", "focal_point", "observer", "expert")]
    seen = set()
    for _round in range(2):
        for reader in readers:
            for action in (first, second, bare):
                items = library_items_of_action(reader, action)
                assert [i.pk for i in items] == [i.pk for i in items_for_action(reader, action)]
                assert [i.title for i in items] == [i.title for i in items_for_action(reader, action)]
                seen.add((reader.pk, action.pk, len(items)))
    counts = {n for _reader, action, n in seen if action == first.pk}
    assert len(counts) >= 2 and 12 in counts  # staff see every item; others fewer
