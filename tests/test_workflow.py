"""core.workflow.transition(): the one way every app moves a status (table check, status, history row)."""

import datetime

import pytest
from django.utils import translation

from pontis.actions.models import Action
from pontis.core.errors import IllegalTransition
from pontis.core.models import AuditEvent
from pontis.core.workflow import check_transition, transition


def _action(status="design"):
    return Action.objects.create(code="2026-01", title={"en": "Cabo Verde"}, status=status)


def _history(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.pk), action=AuditEvent.Action.TRANSITION)
                .values_list("changes", "note"))


@pytest.mark.django_db
def test_transition_refuses_a_move_the_table_does_not_allow_and_changes_nothing(officer):
    action = _action("completed")
    with translation.override("en"), pytest.raises(IllegalTransition) as refused:
        transition(action, to=Action.Status.ONGOING, by=officer, closed_on=datetime.date(2026, 1, 1))
    assert refused.value.code == "illegal_transition"
    assert str(refused.value.message) == "This step is not possible: it cannot go from “Completed” to “Ongoing”."
    action.refresh_from_db()
    assert action.status == "completed" and action.closed_on is None
    assert _history(action) == []


@pytest.mark.django_db
def test_transition_writes_status_fields_and_history(officer):
    action = _action("design")
    transition(action, to=Action.Status.CANCELLED, by=officer, note="no partner", cancel_reason="no partner")
    action.refresh_from_db()
    assert (action.status, action.cancel_reason) == ("cancelled", "no partner")
    assert _history(action) == [({"status": ["design", "cancelled"]}, "no partner")]


@pytest.mark.django_db
def test_check_transition_only_checks(officer):
    action = _action("design")
    check_transition(action, Action.Status.ONGOING)
    with pytest.raises(IllegalTransition):
        check_transition(action, Action.Status.COMPLETED)
    assert Action.objects.get(pk=action.pk).status == "design" and _history(action) == []


def test_transition_sets_status_changed_at_when_the_model_has_it(make_request_for_workflow):
    request, by = make_request_for_workflow
    before = request.status_changed_at
    transition(request, to="withdrawn", by=by, note="covered")
    request.refresh_from_db()
    assert request.status == "withdrawn" and request.status_changed_at > before
    assert _history(request)[-1] == ({"status": ["draft", "withdrawn"]}, "covered")


@pytest.fixture
def make_request_for_workflow(db, focal_point, institution):
    from pontis.intake import services
    from pontis.intake.models import Request

    request = services.request_save_draft(by=focal_point, data={"title": "A request", "institutions": [institution]})
    Request.objects.filter(pk=request.pk).update(status_changed_at=request.status_changed_at - datetime.timedelta(days=1))
    return Request.objects.get(pk=request.pk), focal_point
