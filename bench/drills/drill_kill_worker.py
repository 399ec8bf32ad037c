"""Drill 1: kill -9 a web worker during a load run.

Checks: only the requests in flight in the killed worker fail; gunicorn replaces the worker; afterwards the row
count of every table is unchanged, every foreign key and check constraint holds row by row, and MEDIA_ROOT holds
exactly the files that FileFields refer to (no orphan, none missing).
"""

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    Gunicorn, Postgres, Redis, Report, app_env, file_fields, foreign_keys_valid, media_files, prepare_database,
    session_cookie_for, table_counts, wrk, wrk_result,
)

# Rows that a read-only load may legitimately add or change.
VOLATILE = {"django_session", "core_periodictaskrun"}


def main():
    report = Report("kill-web-worker")
    pg, redis = Postgres("kill"), Redis()
    media = Path(tempfile.mkdtemp(prefix="pontis-media-"))
    web = None
    try:
        env = app_env(pg.url(), redis.url, media)
        prepare_database(env)
        cookie = session_cookie_for(env, "expert@pontis.example")
        before = table_counts(pg)
        web = Gunicorn(env, 58001, workers=3)
        workers = web.worker_pids()
        load = wrk(web.base + "/", seconds=10, connections=16, headers={"Cookie": f"sessionid={cookie}"})
        time.sleep(4)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        result = wrk_result(load)
        failed = result["non2xx"] + result["socket_errors"]
        report.note(f"load: {result['requests']} requests at {result['rps']:.0f}/s (16 connections, 10 s, signed in "
                    f"as an expert, home page); worker {victim} killed at 4 s")
        # A sync worker serves one request at a time: only that one can be lost.
        report.check("only in-flight requests fail", failed <= 1,
                     f"{failed} failed of {result['requests']} (non-2xx {result['non2xx']}, "
                     f"socket errors {result['socket_errors']})")
        time.sleep(2)
        now = web.worker_pids()
        report.check("gunicorn replaced the killed worker", len(now) == 3 and victim not in now,
                     f"workers before {workers}, after {now}")
        after = table_counts(pg)
        changed = {t: (before.get(t), after.get(t)) for t in set(before) | set(after)
                   if before.get(t) != after.get(t) and t not in VOLATILE}
        report.check("row counts unchanged in every table", not changed,
                     f"{len(after)} tables, {sum(after.values())} rows" + (f"; changed: {changed}" if changed else ""))
        ok, detail = foreign_keys_valid(pg)
        report.check("foreign keys and check constraints hold", ok, detail)
        referenced, stored = file_fields(env), media_files(media)
        report.check("no orphan or missing file in MEDIA_ROOT", referenced == stored,
                     f"{len(referenced)} files referenced, {len(stored)} stored; orphans {sorted(stored - referenced)[:5]}, "
                     f"missing {sorted(referenced - stored)[:5]}")
    finally:
        if web:
            web.stop()
        redis.stop()
        pg.destroy()
    report.exit()


if __name__ == "__main__":
    main()
