"""Registrations of the builder part of the feedback app with core.registry (menu, panels, demo loaders, tasks)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from ..models import Questionnaire
from ..selectors.builder import (
    follow_ups_without_questionnaire,
    questionnaires_for_action,
    questionnaires_for_target,
)
from ..services.templates import templates_load


def activity_questionnaires_panel(request, activity) -> dict | None:
    """On an activity's page, for staff: its questionnaires with their status, and a link to create one."""
    if not can(request.user, "view", Questionnaire):
        return None
    return {"template": "feedback/builder__panel.html", "target_name": "activity", "target": activity,
            "questionnaires": questionnaires_for_target(request.user, activity=activity),
            "may_create": can(request.user, "create", Questionnaire)}


def action_questionnaires_panel(request, action) -> dict | None:
    """On an Action's page, for staff: the questionnaires about the Action, its activities and its follow-ups."""
    if not can(request.user, "view", Questionnaire):
        return None
    return {"template": "feedback/builder__panel.html", "target_name": "action", "target": action,
            "questionnaires": questionnaires_for_action(request.user, action),
            "follow_ups": follow_ups_without_questionnaire(request.user, action),
            "may_create": can(request.user, "create", Questionnaire)}


def load_demo_templates(stdout) -> str:
    created = templates_load()
    return f"{created} questionnaire templates created"


def register() -> None:
    registry.nav(_("Feedback"), "feedback:builder_list", order=62)  # after Meetings (60); the page's gate: staff
    registry.detail_panel("actions.Activity", activity_questionnaires_panel, order=70)
    registry.detail_panel("actions.Action", action_questionnaires_panel, order=70)
    registry.demo_loader("feedback-templates", load_demo_templates, order=55)
