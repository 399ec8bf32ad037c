"""Settings for the test suite: the normal settings module under PONTIS_ENV=test."""

import os

os.environ["PONTIS_ENV"] = "test"
os.environ.setdefault("PONTIS_RELAX_MFA", "0")

from config.settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pontis-tests"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
