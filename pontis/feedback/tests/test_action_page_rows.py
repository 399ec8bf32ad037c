"""The questionnaires panel of an Action's page reads its rows through kept statements
(``selectors.action_page.action_panel_rows``): the same rows as the statements it replaced
(kept in ``action_panel_reference``), in the same order, for Actions with questionnaires about themselves, their
activities and their follow-ups (one about both the Action and one of its activities listed once), and none for a
reader who may not view questionnaires."""

import datetime

import pytest

from pontis.actions.models import FollowUp
from pontis.core import awaiting
from pontis.feedback.selectors import action_page
from tests.factories import user_with_role

from . import action_panel_reference as builder
from .test_action_panels_speed import HOSTILE, _questionnaire, _world
from .test_indicators_world import A1_DAY, make_action, make_activity

pytestmark = pytest.mark.django_db


def test_the_rows_are_those_of_the_former_statements():
    awaiting.forget_prepared()
    action, activities = _world()
    both = _questionnaire({"en": f"Both {HOSTILE}"}, versions=(2, 5), action=action, activity=activities[0])
    bare = make_action(code="2024-09", country="TH")
    other = make_action(code="2024-10")
    activity = make_activity(other, day=A1_DAY)
    follow_up = FollowUp.objects.create(action=other, months=6, due_on=datetime.date(2026, 1, 1))
    FollowUp.objects.create(action=other, months=3, due_on=datetime.date(2025, 7, 1))
    _questionnaire({"fr": "Suivi"}, follow_up=follow_up, activity=activity)
    _questionnaire({"en": "Template"}, action=other, is_template=True)
    officer, admin = user_with_role("officer"), user_with_role("admin")
    for _round in range(2):  # the statements written, then kept
        for user in (officer, admin):
            for target in (action, bare, other, action):
                rows = action_page.action_panel_rows(user, target)
                assert rows == builder.action_panel_rows(user, target)
    questionnaires, follow_ups = action_page.action_panel_rows(officer, action)
    assert [row[0] for row in questionnaires].count(both.pk) == 1 and len(questionnaires) == 7
    assert action_page.action_panel_rows(officer, other)[1] and action_page.action_panel_rows(officer, bare) == ([], [])
    for role in ("committee", "focal_point", "observer"):
        assert action_page.action_panel_rows(user_with_role(role), action) is None
