"""Drill 1: kill -9 a web worker during a load run.

Checks: only the requests in flight in the killed worker fail; gunicorn replaces the worker; afterwards the row
count of every table is unchanged (the audit trail grew by exactly one row per upload that answered 200), every
foreign key and check constraint holds row by row, and MEDIA_ROOT holds exactly the files that FileFields refer to
(no orphan, none missing). Besides the page load, two clients replace an endorsement letter through the API over and
over (each upload writes a file and deletes the previous one once its transaction commits), so the killed worker may
be in the middle of writing a file.
"""

import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    Gunicorn,
    Postgres,
    Redis,
    Report,
    app_env,
    file_fields,
    foreign_keys_valid,
    manage,
    media_files,
    prepare_database,
    session_cookie_for,
    table_counts,
    wrk,
    wrk_result,
)
from drill_backup_restore import upload_letter  # noqa: E402

# Rows that the load may legitimately add: sessions, the periodic-task clock; audit rows are checked on their own.
VOLATILE = {"django_session", "core_periodictaskrun", "core_auditevent"}


def main():
    report = Report("kill-web-worker")
    pg, redis = Postgres("kill"), Redis()
    media = Path(tempfile.mkdtemp(prefix="pontis-media-"))
    web = None
    try:
        env = app_env(pg.url(), redis.url, media)
        prepare_database(env)
        cookie = session_cookie_for(env, "expert@pontis.example")
        web = Gunicorn(env, 58001, workers=3)
        request_id = upload_letter(env, web.base)
        token = manage(env, "issue_api_token", "--user", "focal.point@pontis.example").strip().splitlines()[-1]
        before = table_counts(pg)
        stop, uploads = threading.Event(), []

        def uploader():
            pdf = b"%PDF-1.4\n" + os.urandom(200_000) + b"\n%%EOF\n"
            while not stop.is_set():
                try:
                    uploads.append(requests.post(f"{web.base}/api/v1/requests/{request_id}/endorsement-letter",
                                                 headers={"Authorization": f"Bearer {token}"}, timeout=30,
                                                 files={"file": ("letter.pdf", pdf, "application/pdf")}).status_code)
                except requests.RequestException:
                    uploads.append(0)

        workers = web.worker_pids()
        threads = [threading.Thread(target=uploader, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        load = wrk(web.base + "/", seconds=10, connections=16, headers={"Cookie": f"sessionid={cookie}"})
        time.sleep(4)
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        result = wrk_result(load)
        stop.set()
        for thread in threads:
            thread.join(60)
        failed = result["non2xx"] + result["socket_errors"]
        lost_uploads = sum(1 for status in uploads if status != 200)
        report.note(f"load: {result['requests']} requests at {result['rps']:.0f}/s (16 connections, 10 s, signed in "
                    f"as an expert, home page) and {len(uploads)} letter uploads; worker {victim} killed at 4 s")
        # A sync worker serves one request at a time: only that one can be lost (a page or an upload).
        report.check("only in-flight requests fail", failed + lost_uploads <= 1,
                     f"{failed} page requests failed of {result['requests']} (non-2xx {result['non2xx']}, socket "
                     f"errors {result['socket_errors']}); {lost_uploads} uploads failed of {len(uploads)}")
        time.sleep(2)
        now = web.worker_pids()
        report.check("gunicorn replaced the killed worker", len(now) == 3 and victim not in now,
                     f"workers before {workers}, after {now}")
        after = table_counts(pg)
        changed = {t: (before.get(t), after.get(t)) for t in set(before) | set(after)
                   if before.get(t) != after.get(t) and t not in VOLATILE}
        report.check("row counts unchanged in every table", not changed,
                     f"{len(after)} tables, {sum(after.values())} rows" + (f"; changed: {changed}" if changed else ""))
        audit_added = after["core_auditevent"] - before["core_auditevent"]
        ok_uploads = sum(1 for status in uploads if status == 200)
        report.check("one audit row per upload that answered 200, none for the one cut off", audit_added == ok_uploads,
                     f"{audit_added} audit rows added, {ok_uploads} uploads answered 200")
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
