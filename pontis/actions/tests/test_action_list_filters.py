"""The Action list filters through EXISTS, not joins: each Action once, and no DISTINCT sort of the whole table.

Before: filtering on partners, themes or countries joined them and the list ran SELECT DISTINCT over every column
(and again for the count) on each page, 60 + 46 ms at 20,000 Actions even without a filter.
"""

import pytest

from pontis.actions import selectors
from pontis.actions.models import ActionPartner
from tests.factories import InstitutionFactory

from .factories import make_action


@pytest.mark.django_db
def test_each_action_once_whatever_matches_several_rows(officer):
    action = make_action(officer, countries=("PE", "CV"), themes=("legal", "protection"))
    for acronym in ("MINX", "MINY"):
        ActionPartner.objects.create(action=action, institution=InstitutionFactory(acronym=acronym))
    other = make_action(officer, countries=("FR",), themes=("mad",))

    assert [a.pk for a in selectors.actions_for(officer, q="MIN")] == [action.pk]
    assert [a.pk for a in selectors.actions_for(officer, theme="legal")] == [action.pk]
    assert [a.pk for a in selectors.actions_for(officer, country="pe")] == [action.pk]
    assert [a.pk for a in selectors.actions_for(officer, q=action.code)] == [action.pk]
    assert {a.pk for a in selectors.actions_for(officer)} == {action.pk, other.pk}
    assert selectors.actions_for(officer, q="MIN", theme="legal", country="CV").count() == 1


@pytest.mark.django_db
def test_no_distinct_over_the_table(officer):
    make_action(officer)
    for filters in ({}, {"q": "x"}, {"theme": "legal"}, {"country": "CV"}):
        assert "DISTINCT" not in str(selectors.actions_for(officer, **filters).query)


@pytest.mark.django_db
def test_at_risk_with_a_limit_reads_only_what_it_shows(officer):
    """The staff home page asks for five: the first five of the full list, without explaining every Action."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    today = timezone.localdate()
    for k in range(30):
        make_action(officer, requested_on=today - datetime.timedelta(days=100 + k))
    make_action(officer, requested_on=today - datetime.timedelta(days=10))  # not at risk: never read
    full = selectors.actions_at_risk(today=today)
    assert len(full) == 30
    with CaptureQueriesContext(connection) as captured:
        five = selectors.actions_at_risk(today=today, limit=5)
    assert [a.pk for a, _r in five] == [a.pk for a, _r in full[:5]]
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "actions_action"."id"')]
    assert reads and all("LIMIT 25" in sql for sql in reads)
