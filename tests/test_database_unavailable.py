"""While the database is away every request answers 503 quickly, in the reader's language, never a 500.

The outage is simulated by making the database layer raise what psycopg raises when the server refuses, drops the
connection or stops answering (``OperationalError``, ``InterfaceError``). The real thing (PostgreSQL restarted,
connections terminated, a proxy that hangs) is the fault drill ``bench/drills/drill_database.py``.
"""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _client():
    return Client(raise_request_exception=False)


def test_a_page_whose_view_meets_a_database_outage_answers_503_with_retry_after():
    client = _client()
    with mock.patch("pontis.core.views.facility_figures", side_effect=OperationalError("connection refused")):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert [t.name for t in response.templates] == ["errors/503.html"]
    assert b"Pontis is briefly unavailable" in response.content
    assert b"connection refused" not in response.content  # no detail leaks out


def test_the_503_page_is_in_the_readers_language():
    client = _client()
    with (
        mock.patch("pontis.core.views.facility_figures", side_effect=InterfaceError("connection already closed")),
        mock.patch("pontis.core.middleware._", side_effect=lambda text: f"[fr] {text}"),
    ):
        response = client.get("/", headers={"accept-language": "fr"})

    assert response.status_code == 503
    assert b'<html lang="fr">' in response.content
    assert b"[fr] Pontis is briefly unavailable" in response.content


def test_an_outage_while_loading_the_session_answers_503_not_500(officer):
    # The session is read by a middleware, before any view: the 500 handler recognises the outage.
    client = _client()
    client.force_login(officer)
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("server closed the connection")):
        response = client.get("/")

    assert response.status_code == 503
    # Several middleware layers read the session; each one's failure is answered the same way.
    assert {t.name for t in response.templates} == {"errors/503.html"}
    assert response["Retry-After"] == "10"


def test_an_api_route_answers_json_503(officer):
    client = _client()
    client.force_login(officer)
    with mock.patch("pontis.core.api.selectors.regions", side_effect=OperationalError("timeout")):
        response = client.get("/api/v1/reference/regions")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Pontis is briefly unavailable. Please try again in a few moments.",
                               "status": "unavailable"}
    assert response["Retry-After"] == "10"


def test_other_errors_still_answer_the_500_page():
    client = _client()
    with mock.patch("pontis.core.views.facility_figures", side_effect=ValueError("a bug")):
        response = client.get("/")

    assert response.status_code == 500
    assert [t.name for t in response.templates] == ["errors/500.html"]


def _database_settings(code_before="pass", **env):
    code = (f"{code_before}; import django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; "
            "print(d['ENGINE'], d['OPTIONS']['connect_timeout'], d['OPTIONS'].get('options', '-'), "
            "d.get('CLIENT_WAIT_LIMIT', '-'), d['CONN_HEALTH_CHECKS'])")
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
                   "DATABASE_URL": "postgres://pontis@db.internal:5432/pontis", **env}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_web_processes_bound_connecting_statements_and_every_wait_for_postgresql():
    # config.wsgi (what gunicorn loads) sets the web default of 30 s; the client gives up 5 s after the server would.
    assert _database_settings("import os; os.environ.setdefault('PONTIS_ENV', 'development'); "
                              "import config.wsgi as _w") == [
        "pontis.core.dbbackend", "3", "-c", "statement_timeout=30000", "35.0", "True"]
    assert _database_settings(DB_STATEMENT_TIMEOUT="20") == [
        "pontis.core.dbbackend", "3", "-c", "statement_timeout=20000", "25.0", "True"]


def test_commands_and_the_worker_have_no_statement_bound_unless_asked():
    # Imports, stress data and VACUUM may run long statements; connecting is still bounded.
    assert _database_settings() == ["pontis.core.dbbackend", "3", "-", "-", "True"]


def test_a_session_that_cannot_be_saved_because_the_database_went_away_answers_503_not_400(officer):
    # Django turns a database error while saving the session into UpdateError, then SessionInterrupted (400).
    def save(*args, **kwargs):
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError:
            raise UpdateError

    client = _client()
    client.force_login(officer)
    with mock.patch.object(SessionStore, "save", save):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
