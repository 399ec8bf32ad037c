"""``manage.py check --deploy`` is clean in the production profile: not one warning.

Each test starts Django in a subprocess with the production environment of docs/deploy.md (a strong generated
SECRET_KEY, ALLOWED_HOSTS, REDIS_URL, one worker), as tests/test_production_settings.py does.
"""

import secrets

from tests.test_health_and_settings import _run

CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def _production(**overrides):
    env = {"PONTIS_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "pontis.example.org",
           "REDIS_URL": "redis://127.0.0.1:6379/0", "WEB_CONCURRENCY": "1", "SILENCED_SYSTEM_CHECKS": "",
           "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_PRELOAD": "0"}
    env.update(overrides)
    return _run(CHECK, **env)


def test_check_deploy_finds_nothing_in_the_production_profile():
    result = _production()

    assert result.returncode == 0, result.stdout + result.stderr
    # Only HSTS preloading (security.W021) is silenced: a decision for the owner of the whole domain.
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_with_preloading_chosen_nothing_is_silenced_and_nothing_warns():
    result = _production(SECURE_HSTS_PRELOAD="1")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_check_is_live_turning_off_the_https_redirect_fails_it():
    result = _production(SECURE_SSL_REDIRECT="0")

    assert result.returncode != 0
    assert "security.W008" in result.stderr
