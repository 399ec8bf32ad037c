"""Query budgets that prove flatness, not a cap: the same call costs the same number of queries at two data sizes.

    small, response = count_queries(lambda: client.get(url))
    ...add many more rows...
    large, response = count_queries(lambda: client.get(url))
    assert_flat(small, large)

The call is made once before it is measured, so per-process caches (content types, the session) filled by a first
request do not make the small data set look dearer than the large one.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(call, *, warm: bool = True):
    """Answer (number of queries, result) of ``call()``; with ``warm``, after one unmeasured call."""
    if warm:
        call()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def assert_flat(small: int, large: int) -> None:
    assert small == large, f"{small} queries with the small data set, {large} with the large one: a query per row"
