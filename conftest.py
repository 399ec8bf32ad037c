"""Shared test fixtures: people with roles, institutions, an API client with a bearer token."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from pontis.accounts.services import api_token_issue
from tests.factories import InstitutionFactory, UserFactory, user_with_role


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts and ends in English: a page read in Russian leaves Russian active in the thread
    (LocaleMiddleware activates the request's language), and a later test's English assertion would fail
    depending on the order the tests ran in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db):
    return user_with_role


@pytest.fixture
def admin_user(db):
    return user_with_role("admin")


@pytest.fixture
def officer(db):
    return user_with_role("officer")


@pytest.fixture
def committee_member(db):
    return user_with_role("committee")


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def focal_point(db, institution):
    return user_with_role("focal_point", institution=institution)


@pytest.fixture
def expert_user(db):
    return user_with_role("expert")


@pytest.fixture
def observer(db):
    return user_with_role("observer")


@pytest.fixture
def plain_user(db):
    return UserFactory()


@pytest.fixture
def api_client(db):
    """``api_client(user)`` answers a Django test client that sends ``Authorization: Bearer <token>``."""
    def make(user):
        _token, raw = api_token_issue(user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture(autouse=True)
def _no_facts_kept_between_tests():
    """Each test starts with no figures facts decoded in the process (``reports/figures/facts.py`` keeps the last
    snapshot per process; the snapshot's row is rolled back with the test, the process's copy is not)."""
    from pontis.reports.figures import facts  # noqa: PLC0415 - Django is set up only after this file is read

    facts._kept.clear()
    yield
    facts._kept.clear()


@pytest.fixture(autouse=True)
def _iati_copies_in_a_temporary_directory(settings, tmp_path_factory):
    """The web host's copies of the IATI file (``reports/iati/publish.file_dir``) go to a directory of the test's
    own, never into the checkout's ``var/``."""
    settings.PONTIS_IATI_FILE_DIR = tmp_path_factory.mktemp("iati")
