"""Drill 2: the database goes away under load, three ways.

A. PostgreSQL restarted (pg_ctl stop -m fast, 5 s down, start) during a load run.
B. Every connection of the application terminated (pg_terminate_backend) during a load run.
C. A database that hangs instead of refusing: Pontis reaches PostgreSQL through a small TCP proxy that, on cue,
   stops forwarding in both directions while keeping every connection open (and accepts new ones it never serves).

Each time a probe asks for a signed-in page (the session is read from the database) and /healthz in a loop and
records every status and latency. Checks: while the database is away every answer is 503 (never 500, never no
answer), within a bound; once it is back, pages answer 200 again within 10 s, without restarting anything.
"""

import contextlib
import select
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PG_PORT,
    Gunicorn,
    Postgres,
    Redis,
    Report,
    app_env,
    free_port,
    manage,
    percentile,
    prepare_database,
    probe,
    session_cookie_for,
    wrk,
    wrk_result,
)

PROXY_PORT = PG_PORT + 1


class Prober(threading.Thread):
    """Requests the URLs one after the other until stopped; keeps (time, url, status, seconds)."""

    def __init__(self, base, urls, headers=None):
        super().__init__(daemon=True)
        self.base, self.urls, self.headers = base, urls, headers or {}
        self.samples, self.stopped = [], threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for url in self.urls:
                started = time.monotonic()
                status, seconds = probe(self.base + url, timeout=30, headers=self.headers)
                self.samples.append((started, url, status, seconds))
            time.sleep(0.05)

    def stop(self):
        self.stopped.set()
        self.join(60)

    def between(self, start, end):
        return [s for s in self.samples if start <= s[0] and s[0] + s[3] <= end]

    def first_ok_after(self, moment):
        oks = [s[0] + s[3] for s in self.samples if s[0] >= moment and s[2] == 200]
        return min(oks) - moment if oks else None


def outage_checks(report, prober, label, down_from, down_to, back_at, bound):
    during = prober.between(down_from, down_to)
    statuses = sorted({s[2] for s in during})
    latencies = [s[3] for s in during]
    report.check(f"{label}: every answer while the database is away is 503", bool(during) and statuses == [503],
                 f"{len(during)} answers, statuses {statuses}")
    report.check(f"{label}: the 503 comes quickly (max under {bound:g} s)", bool(latencies) and max(latencies) < bound,
                 f"p50 {percentile(latencies, 50) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
    recovery = prober.first_ok_after(back_at)
    report.check(f"{label}: recovers by itself within 10 s of the database's return",
                 recovery is not None and recovery <= 10, f"first 200 after {recovery if recovery is None else round(recovery, 2)} s")
    return recovery


def drill_restart(report, pg, web, cookie, token):
    prober = Prober(web.base, ["/", "/healthz"], headers={"Cookie": f"sessionid={cookie}"})
    load = wrk(web.base + "/", seconds=20, connections=16, headers={"Cookie": f"sessionid={cookie}"})
    prober.start()
    time.sleep(4)
    t_stop = time.monotonic()
    pg.stop("fast")
    t_down = time.monotonic()
    time.sleep(2)
    api = requests.get(web.base + "/api/v1/reference/regions", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    page = requests.get(web.base + "/", headers={"Cookie": f"sessionid={cookie}"}, timeout=30)
    report.check("restart: the API answers JSON 503 and a page the 503 page, both with Retry-After",
                 api.status_code == 503 and api.headers.get("Content-Type") == "application/json"
                 and api.json().get("status") == "unavailable" and api.headers.get("Retry-After") == "10"
                 and page.status_code == 503 and "briefly unavailable" in page.text
                 and page.headers.get("Retry-After") == "10" and "Traceback" not in page.text,
                 f"API {api.status_code} {api.headers.get('Content-Type')} Retry-After {api.headers.get('Retry-After')}, "
                 f"page {page.status_code} Retry-After {page.headers.get('Retry-After')}"
                 + ("" if "briefly unavailable" in page.text else f" without its message: {page.text[:200]!r}"))
    time.sleep(3)
    pg.start()
    t_back = time.monotonic()
    result = wrk_result(load)
    prober.stop()
    report.note(f"restart: PostgreSQL stopped in {t_down - t_stop:.1f} s, down {t_back - t_down:.1f} s; load "
                f"{result['requests']} requests, {result['non2xx']} non-2xx, {result['socket_errors']} socket errors")
    outage_checks(report, prober, "restart", t_down + 0.1, t_back - 1.5, t_back, bound=1.0)
    statuses = web.statuses()
    report.check("restart: no 500 in the access log", 500 not in statuses, f"statuses {statuses}")
    report.check("restart: the load saw no dropped connection", result["socket_errors"] == 0,
                 f"{result['socket_errors']} socket errors")


def drill_terminate(report, pg, web, cookie):
    before = web.statuses()
    prober = Prober(web.base, ["/", "/healthz"], headers={"Cookie": f"sessionid={cookie}"})
    load = wrk(web.base + "/", seconds=10, connections=16, headers={"Cookie": f"sessionid={cookie}"})
    prober.start()
    time.sleep(3)
    t_kill = time.monotonic()
    killed = pg.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = 'pontis' AND pid <> pg_backend_pid()")
    result = wrk_result(load)
    prober.stop()
    after = web.statuses()
    new = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) - before.get(k, 0)}
    recovery = prober.first_ok_after(t_kill)
    report.note(f"terminate: {killed} connections terminated; load {result['requests']} requests, answers {new}")
    report.check("terminate: no 500 (a request whose connection was cut answers 503)", 500 not in new, f"answers {new}")
    report.check("terminate: recovers by itself within 10 s", recovery is not None and recovery <= 10,
                 f"first 200 after {recovery and round(recovery, 2)} s")


class HangingProxy(threading.Thread):
    """Forwards 127.0.0.1:PROXY_PORT to PostgreSQL. While ``hang`` is set it forwards nothing and closes nothing (new
    connections are accepted and left waiting), like a frozen server; when cleared, it forwards again."""

    def __init__(self):
        super().__init__(daemon=True)
        self.hang = threading.Event()
        self.server = socket.create_server(("127.0.0.1", PROXY_PORT))
        self.sockets = []

    def run(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.sockets.append(client)
            threading.Thread(target=self.pipe, args=(client,), daemon=True).start()

    def pipe(self, a):
        with contextlib.suppress(OSError):
            while self.hang.is_set():
                time.sleep(0.05)
            b = socket.create_connection(("127.0.0.1", PG_PORT))
            self.sockets.append(b)
            while True:
                if self.hang.is_set():
                    time.sleep(0.05)
                    continue
                ready, _, _ = select.select([a, b], [], [], 0.1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        a.close()
                        b.close()
                        return
                    (b if sock is a else a).sendall(data)

    def close(self):
        self.server.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.close()


def drill_hang(report, env, cookie):
    proxy = HangingProxy()
    proxy.start()
    statement_timeout = 5
    # The proxy in front of PostgreSQL; a statement timeout of 5 s (default 30) to keep the drill short.
    hang_env = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PROXY_PORT}/pontis",
                "DB_STATEMENT_TIMEOUT": str(statement_timeout)}
    web = Gunicorn(hang_env, free_port(), workers=3, name="hang")
    headers = {"Cookie": f"sessionid={cookie}"}
    try:
        for _ in range(30):  # every worker holds a connection open (CONN_MAX_AGE)
            probe(web.base + "/", headers=headers)
        # Two clients on the signed-in page and one on /healthz: as many clients as workers, so that no answer
        # includes time spent waiting for a free worker.
        probers = [Prober(web.base, ["/"], headers=headers) for _ in range(2)] + [Prober(web.base, ["/healthz"])]
        for prober in probers:
            prober.start()
        time.sleep(1)
        t_hang = time.monotonic()
        proxy.hang.set()
        time.sleep(30)
        t_back = time.monotonic()
        proxy.hang.clear()
        time.sleep(15)
        for prober in probers:
            prober.stop()
        during = [s for prober in probers for s in prober.between(t_hang, t_back)]
        statuses = sorted({s[2] for s in during})
        worst = max((s[3] for s in during), default=0)
        client_limit = statement_timeout + 5
        report.check("hang: every answer while the database hangs is 503 (no worker hangs)",
                     bool(during) and statuses == [503], f"{len(during)} answers, statuses {statuses}")
        # A worker's held connection: the health check waits the client bound, then reconnecting waits connect_timeout.
        report.check(f"hang: the slowest answer is bounded ({client_limit} s wait + 3 s connect)",
                     worst < client_limit + 3 + 1, f"max {worst:.1f} s")
        later = [s[3] for s in during if s[0] > t_hang + client_limit + 4 and s[1] == "/"]
        report.check("hang: once the held connections are dropped, each answer takes at most connect_timeout (3 s)",
                     bool(later) and max(later) < 3.5,
                     f"{len(later)} answers, p50 {percentile(later, 50):.1f} s, max {max(later, default=0):.1f} s")
        health = [s[3] for s in during if s[1] == "/healthz"]
        # /healthz waits 2 s on a held connection (HEALTHZ_WAIT_SECONDS), then at most connect_timeout to reconnect.
        report.check("hang: /healthz answers 503 within 5.5 s (2 s wait + 3 s connect)",
                     bool(health) and max(health) < 5.5,
                     f"{len(health)} answers, p50 {percentile(health, 50):.1f} s, max {max(health, default=0):.1f} s")
        recoveries = [p.first_ok_after(t_back) for p in probers]
        report.check("hang: recovers by itself within 10 s of the database answering again (every client)",
                     all(r is not None and r <= 10 for r in recoveries),
                     "first 200 after " + ", ".join("never" if r is None else f"{r:.2f} s" for r in recoveries))
        statuses = web.statuses()
        report.check("hang: no 500 and no worker killed for timeout", 500 not in statuses
                     and "WORKER TIMEOUT" not in web.log.read_text(), f"statuses {statuses}")
    finally:
        web.stop()
        proxy.close()


def main():
    report = Report("database-away")
    pg, redis = Postgres("db"), Redis()
    media = Path(tempfile.mkdtemp(prefix="pontis-media-"))
    web = None
    try:
        env = app_env(pg.url(), redis.url, media)
        prepare_database(env)
        cookie = session_cookie_for(env, "expert@pontis.example")
        web = Gunicorn(env, 58001, workers=3)
        token = manage(env, "issue_api_token", "--user", "officer@pontis.example").strip().splitlines()[-1]
        drill_restart(report, pg, web, cookie, token)
        drill_terminate(report, pg, web, cookie)
        web.stop()
        web = None
        drill_hang(report, env, cookie)
    finally:
        if web:
            web.stop()
        redis.stop()
        pg.destroy()
    report.exit()


if __name__ == "__main__":
    main()
