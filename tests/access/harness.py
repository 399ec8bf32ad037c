"""Trying one (route, method, variant) as each principal: the client, the outcome class, the no-change check."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .world import PRINCIPALS

# Outcome classes (what the table declares).
OK = "ok"  # 2xx
REDIRECT = "redirect"  # 3xx somewhere other than a sign-in page
SIGN_IN = "sign-in"  # redirect to a sign-in page (/accounts/login/, or the admin's /admin/login/)
INVALID = "invalid"  # 400 or 422: the input was refused
CONFLICT = "conflict"  # 409: not in this state
UNAUTHORISED = "401"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
ERROR = "500"  # never expected
# A write (POST/PUT/PATCH/DELETE) that reached its action and was answered on its merits: done (2xx, 3xx),
# or refused for its input or the object's state (400, 409, 422). Bodies are empty or minimal: the matrix
# checks the access decision, the forms' own tests check validation.
ALLOWED = "allowed"
_ALLOWED_CLASSES = {OK, REDIRECT, INVALID, CONFLICT}
REFUSALS = {SIGN_IN, UNAUTHORISED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Signing in is bookkeeping, not a change the request made: the session row (saved on every request) and a
# bearer token's "last used" time.
_SIGN_IN_BOOKKEEPING = re.compile(
    r"\bdjango_session\b"
    r"""|^\s*UPDATE "accounts_apitoken" SET "last_used_at" = '[^']*'(?:::\w+)? WHERE "accounts_apitoken"\."id" = \d+$"""
)


def classify(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return OK
    if 300 <= code < 400:
        location = response.get("Location", "")
        path = location.split("://", 1)[-1]
        path = path[path.find("/"):] if "://" in location else path
        if path.startswith(("/accounts/login/", "/admin/login/")):
            return SIGN_IN
        return REDIRECT
    return {400: INVALID, 422: INVALID, 409: CONFLICT, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND,
            405: NOT_ALLOWED}.get(code, str(code))


def expects_allowed(method: str, expected) -> bool:
    """Does the table allow this write? Every write it does not allow must change nothing."""
    wanted = expected if isinstance(expected, tuple) else (expected,)
    return method in WRITE_METHODS and (ALLOWED in wanted or OK in wanted)


def matches(method: str, outcome: str, expected) -> bool:
    wanted = expected if isinstance(expected, tuple) else (expected,)
    for one in wanted:
        if one == ALLOWED and method in WRITE_METHODS and outcome in _ALLOWED_CLASSES:
            return True
        if one == outcome:
            return True
    return False


@dataclass
class Attempt:
    outcome: str
    status: int
    writes: list  # SQL statements that wrote to a table other than the session's
    audit_rows: int  # audit rows written


class Principals:
    """One session cookie (or bearer token) per principal, made once."""

    def __init__(self, world):
        self.cookies = {}
        self.headers = {}
        for name in PRINCIPALS:
            if name in ("anonymous", "token_only"):
                continue
            client = Client()
            client.force_login(world.users[name])
            self.cookies[name] = client.cookies
        # The deactivated officer signed in before being deactivated: its old cookie and its old token.
        self.headers["token_only"] = {"Authorization": f"Bearer {world.tokens['token_only']}"}
        self.headers["deactivated"] = {"Authorization": f"Bearer {world.tokens['deactivated']}"}
        # One client for every request: building a client's handler loads the middleware (slow); only the
        # cookies and headers change from one principal to the next.
        self._client = Client(raise_request_exception=False)

    def client(self, name) -> tuple[Client, dict]:
        client = self._client
        client.cookies = SimpleCookie()
        for key, morsel in self.cookies.get(name, {}).items():
            client.cookies[key] = morsel.value
        return client, self.headers.get(name, {})


def attempt(principals: Principals, principal: str, method: str, path: str, is_api: bool, body=None) -> Attempt:
    """One request, inside a savepoint that is rolled back: whatever a permitted write did is undone."""
    from pontis.core.models import AuditEvent

    cache.clear()  # rate limits and cached answers start afresh for each attempt
    client, headers = principals.client(principal)
    kwargs = {"headers": headers}
    if method in WRITE_METHODS:
        kwargs.update({"data": json.dumps(body or {}), "content_type": "application/json"} if is_api else
                      {"data": "", "content_type": "application/x-www-form-urlencoded"})
    with transaction.atomic():
        audit_before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            response = client.generic(method, path, **kwargs)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        writes = [q["sql"] for q in queries.captured_queries
                  if _WRITE_SQL.match(q["sql"]) and not _SIGN_IN_BOOKKEEPING.search(q["sql"])]
        audit_rows = AuditEvent.objects.count() - audit_before
        transaction.set_rollback(True)
    return Attempt(outcome=classify(response), status=response.status_code, writes=writes, audit_rows=audit_rows)
