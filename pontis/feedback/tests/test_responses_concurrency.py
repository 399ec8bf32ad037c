"""Two threads submitting the same personal link at once store one response (a real transaction test)."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from pontis.feedback.models import Answer, Response
from pontis.feedback.services import responses as svc

from .test_responses_submit import GOOD, invite, make_questionnaire


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_the_same_token_store_one_response():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is shared by threads through one connection lock: the race "
                    "is exercised on PostgreSQL; test_responses_submit covers the lost-race path on every database")
    invitation = invite(make_questionnaire())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(svc.response_submit(token=invitation.token, client_id=uuid.uuid4(), answers=GOOD,
                                               channel="api"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _response, created in results) == [False, True]
    assert len({response.pk for response, _created in results}) == 1
    assert Response.objects.count() == 1 and Answer.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_the_same_client_id_store_one_response():
    if connection.vendor != "postgresql":
        pytest.skip("exercised on PostgreSQL (see above)")
    questionnaire = make_questionnaire()
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(svc.response_submit(questionnaire=questionnaire, client_id=client_id, answers=GOOD,
                                               channel="api"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created for _response, created in results) == [False, True]
    assert Response.objects.count() == 1
