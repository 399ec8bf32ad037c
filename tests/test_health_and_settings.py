"""/healthz, and production settings that refuse an insecure configuration."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "t7Qm-2vXz9!pL0vB2nM5tR7wY9_aK4sD6fG8hJ1kL3zX5cV7bN9mQ"  # 52 characters, as check --deploy wants


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(connection, "cursor", side_effect=Exception("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert b"connection refused" not in response.content


def _run(code_or_args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PONTIS_DEMO",
                                                                      "PONTIS_RELAX_MFA", "DJANGO_SETTINGS_MODULE", "PONTIS_ENV",
                                                                      "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    args = [sys.executable, "-c", code_or_args] if isinstance(code_or_args, str) else [sys.executable, *code_or_args]
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("import config.settings", PONTIS_ENV="production", ALLOWED_HOSTS="pontis.example.org")

    assert result.returncode != 0
    assert "Pontis refuses to start in production" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _run("import config.settings", PONTIS_ENV="production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="pontis.example.org",
                  DEBUG="1")

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr
    assert "SECRET_KEY" not in result.stderr.split("refuses to start in production")[-1]


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run("import config.settings", PONTIS_ENV="production", SECRET_KEY=GOOD_SECRET)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list the site's host names" in result.stderr


def test_production_refuses_relaxed_mfa():
    result = _run("import config.settings", PONTIS_ENV="production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="pontis.example.org",
                  PONTIS_RELAX_MFA="1")

    assert result.returncode != 0
    assert "PONTIS_DEMO and PONTIS_RELAX_MFA are not allowed in production" in result.stderr


def test_production_with_a_proper_configuration_passes_the_deployment_checks(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        PONTIS_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="pontis.example.org",
        CSRF_TRUSTED_ORIGINS="https://pontis.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECURE_HSTS_PRELOAD="1",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
