import io

import pytest

from pontis.accounts.demo import load_foundation
from pontis.intake.demo import REQUESTS, load_demo_requests
from pontis.intake.models import Request

pytestmark = pytest.mark.django_db


def test_demo_requests_cover_every_state_and_load_twice_without_duplicates():
    load_foundation(io.StringIO())
    load_demo_requests(io.StringIO())
    load_demo_requests(io.StringIO())
    assert Request.objects.count() == len(REQUESTS) == 12
    # The request marked approved waits, forwarded, for the actions app's loader (approval creates an Action).
    assert set(Request.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "info_requested", "forwarded", "deferred", "rejected", "withdrawn"}
    assert Request.objects.filter(submitted_by__email="focal.point@pontis.example", status="draft").count() == 2
    assert Request.objects.get(status="rejected").closed_reason.startswith("The request concerns")
