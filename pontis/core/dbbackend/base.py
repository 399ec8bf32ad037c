"""Django's PostgreSQL backend, with a bound on how long a web worker waits for the database.

``connect_timeout`` (libpq) bounds opening a connection and ``statement_timeout`` (sent in ``options``) makes the
server cancel a statement that runs too long. Neither helps when the server, or something between it and us, stops
answering altogether (a frozen host, a proxy or firewall that keeps the TCP connection open but forwards nothing):
the worker would wait on the socket until gunicorn kills it. So every wait for an answer on an open connection is
bounded here too, on the client side: a little longer than ``statement_timeout``, so a slow statement is still
cancelled cleanly by the server first. When the bound passes, the connection is closed (its state is unknown) and
``OperationalError`` is raised; the request answers 503 (``pontis.core.middleware``) and the next request opens a
fresh connection. ``database_wait_limit()`` shortens the bound for a block of code (``/healthz``).
"""

from __future__ import annotations

import contextlib
import contextvars

import psycopg
from django.db.backends.postgresql import base

# Seconds; None means no bound. Set from the settings when a connection opens, overridden by database_wait_limit().
_wait_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar("pontis_db_wait_limit", default=None)


@contextlib.contextmanager
def database_wait_limit(seconds: float):
    """Within the block, give up on a database that has not answered within ``seconds`` (OperationalError)."""
    token = _wait_limit.set(seconds)
    try:
        yield
    finally:
        _wait_limit.reset(token)


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server end after ``client_wait_limit`` seconds."""

    client_wait_limit: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        limit = _wait_limit.get()
        if limit is None:
            limit = self.client_wait_limit
        if timeout is None and limit:
            timeout = limit
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except psycopg.errors._WaitTimeout:
            # Half a conversation is on the wire: the connection cannot be used again.
            self.close()
            raise psycopg.OperationalError(f"the database did not answer within {timeout:g} s; connection closed")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if isinstance(connection, psycopg.Connection) and not isinstance(connection, BoundedConnection):
            # psycopg.connect() has no class argument; BoundedConnection adds no state, only the wait() above.
            connection.__class__ = BoundedConnection
            connection.client_wait_limit = self.settings_dict.get("CLIENT_WAIT_LIMIT")
        return connection
