"""PONTIS_ENV takes exactly three values; production refuses wildcards, weak keys and unshared throttling."""

import pytest

from tests.test_health_and_settings import GOOD_SECRET, _run

PROPER = {"PONTIS_ENV": "production", "SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "pontis.example.org",
          "REDIS_URL": "redis://127.0.0.1:6379/0"}


def _settings(**overrides):
    env = {**PROPER, **overrides}
    return _run("import config.settings; print('started', config.settings.DEBUG, config.settings.PONTIS_RELAX_MFA)",
                **{k: v for k, v in env.items() if v is not None})


@pytest.mark.parametrize("profile", ["Production", "prod", "PRODUCTION", "production ", "dev", "staging", ""])
def test_an_unknown_profile_is_refused_at_start_up(profile):
    result = _settings(PONTIS_ENV=profile)

    assert result.returncode != 0
    assert "is not a Pontis profile; use exactly one of: development, test, production" in result.stderr
    assert "started" not in result.stdout


@pytest.mark.parametrize("profile", ["development", "test"])
def test_the_other_profiles_start(profile):
    result = _run("import config.settings; print('started')", PONTIS_ENV=profile)

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_a_proper_production_configuration_starts_without_debug_or_relaxed_mfa():
    result = _settings()

    assert result.returncode == 0, result.stderr
    assert "started False False" in result.stdout


@pytest.mark.parametrize("hosts", ["*", "pontis.example.org,*", "*.example.org"])
def test_production_refuses_a_wildcard_in_allowed_hosts(hosts):
    result = _settings(ALLOWED_HOSTS=hosts)

    assert result.returncode != 0
    assert "a wildcard (*) accepts forged Host headers" in result.stderr


@pytest.mark.parametrize("key", [
    "a" * 60,                                                  # one symbol
    "Xy7!" * 15,                                               # a short unit repeated
    "ab" * 30,
    "change-me-to-50-random-characters-please-and-thank-you",  # words
    "my-django-secret-key-for-the-facility-2026-Q4-version-1",
    "0123456789" * 6,                                          # few symbols, a pattern
])
def test_production_refuses_a_low_entropy_secret_key(key):
    result = _settings(SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value of at least 50 characters" in result.stderr


def test_production_accepts_the_keys_the_documented_generators_make():
    code = ("import secrets; from django.core.management.utils import get_random_secret_key as g; "
            "from config.settings import secret_key_is_weak as w; "
            "print(sum(w(k) for k in [secrets.token_urlsafe(50) for _ in range(300)] + [g() for _ in range(300)]))")
    result = _run(code, **PROPER)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


@pytest.mark.parametrize("workers", [None, "2", "5", "many"])
def test_production_refuses_several_workers_without_a_shared_cache(workers):
    result = _settings(REDIS_URL="", WEB_CONCURRENCY=workers or "")

    assert result.returncode != 0
    assert "REDIS_URL must be set when more than one web worker runs" in result.stderr


def test_production_accepts_one_worker_without_a_shared_cache():
    result = _settings(REDIS_URL="", WEB_CONCURRENCY="1")

    assert result.returncode == 0, result.stderr
