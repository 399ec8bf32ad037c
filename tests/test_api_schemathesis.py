"""The API answers every input its own OpenAPI document allows without a 5xx, and only as the document says.

Schemathesis reads ``/api/v1/openapi.json`` from the WSGI application in process (no server), generates requests
for every operation from the document's schemas (valid ones, and invalid ones that must be refused with a 4xx),
and sends them with a bearer token for each role. Any 5xx, or a status, content type or body that the document
does not declare, fails the test. The seed is fixed (``derandomize``) and the number of examples per operation is
bounded, so the run is repeatable; each role's test prints how many operations and cases it ran.

The data set is small but real (an agreed Action with activities, a meeting with an agenda) so that list
operations answer rows and the response schemas are checked against real objects.
"""

import datetime
import os
import time

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from pontis.accounts.services import api_token_issue
from pontis.actions.services import deliverable_create
from pontis.actions.tests.factories import agreed_action
from pontis.core.models import DeliverableType
from pontis.events.tests.factories import make_agenda, make_meeting
from pontis.intake.services import request_save_draft
from tests.factories import InstitutionFactory, user_with_role

pytestmark = pytest.mark.django_db

ROLES = ("admin", "officer", "committee", "focal_point", "expert", "observer")
EXAMPLES_PER_OPERATION = 3  # per generation mode (valid and invalid inputs)
SEED = 20261129

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "database": "none", "deterministic": True},
    "checks": {
        # A schema-valid request may still break a domain rule (an unknown topic code, a move from the wrong
        # status): the document cannot list the facility's data, so a 4xx there is a correct answer.
        "positive_data_acceptance": {"enabled": False},
    },
})


@pytest.fixture
def api_data(db):
    """A small facility: one agreed Action (with planned activities and a deliverable), a draft request, a public
    meeting with an agenda. Every other generated case addresses these objects instead of random ids."""
    institution = InstitutionFactory()
    officer = user_with_role("officer")
    focal_point = user_with_role("focal_point", institution=institution)
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.order_by("sequence").first()
    deliverable = deliverable_create(action=action, by=officer, type=DeliverableType.objects.order_by("code").first(),
                                     title={"en": "Standard operating procedures"}, activity=activity)
    draft = request_save_draft(by=focal_point, data={"title": "Border training", "institutions": [institution]})
    meeting = make_meeting(start=datetime.date(2024, 3, 5))
    make_agenda(meeting, sessions=1, contributions=1)
    known = {"/actions/{code}": {"code": action.code}, "/activities/{pk}": {"pk": activity.pk},
             "/activities/{activity_id}": {"activity_id": activity.pk}, "/deliverables/{pk}": {"pk": deliverable.pk},
             "/requests/{pk}": {"pk": draft.pk}, "/events/{meeting_id}": {"meeting_id": meeting.pk}}
    return {"focal_point": focal_point, "known": known}


def _known_parameters(path: str, known: dict) -> dict | None:
    for prefix, values in known.items():
        if path.removeprefix("/api/v1").startswith(prefix):
            return values
    return None


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: a request must not close the test's database connection (its transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _run_every_operation(role, person, known):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)
    headers = {"Authorization": f"Bearer {api_token_issue(user=person, name=f'schemathesis {role}')[1]}"}
    operations, cases, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            sent = []
            started = time.monotonic()
            try:
                _checker(operation, mode, headers, sent, _known_parameters(operation.path, known))()
            except hypothesis.errors.Unsatisfiable:
                # An operation that takes no input at all (no parameter, no body, an optional token: the public
                # IATI file) has no invalid input to send; any other operation must produce cases.
                if mode is not GenerationMode.NEGATIVE or _takes_input(operation):
                    failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): no case generated")
            except Exception as exc:  # noqa: BLE001 (collect every operation's failure, then fail once)
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
            cases += len(sent)
            if os.environ.get("PONTIS_SCHEMATHESIS_TIMES"):
                print(f"{time.monotonic() - started:6.2f}s {len(sent):3d} {mode.value} {operation.method.upper()} {operation.path}")
    return operations, cases, failures


def _takes_input(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody") or operation.path_parameters)


def _checker(operation, mode, headers, sent, known_parameters):
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        sent.append(case)
        if known_parameters and mode is GenerationMode.POSITIVE and len(sent) % 2:
            case.path_parameters = {**(case.path_parameters or {}), **known_parameters}
        case.call_and_validate(headers=headers)

    return check


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(api_data, keep_test_connection, role):
    person = api_data["focal_point"] if role == "focal_point" else user_with_role(role)

    operations, cases, failures = _run_every_operation(role, person, api_data["known"])

    print(f"schemathesis as {role}: {operations} operations, {cases} cases, seed {SEED}")
    assert operations >= 50
    assert not failures, "\n\n".join(failures)
