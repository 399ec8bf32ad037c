"""Reports speed benchmark (issue 13, "Speed"): the "In numbers" dashboard and the statistics API at stress size,
served the production way. Prints a table; never asserts, never part of the tests (see ``bench/README.md``).

    .venv/bin/python bench/bench_reports.py                                   # pontis_bench_reports, 16 conns, 10 s
    .venv/bin/python bench/bench_reports.py --duration 5 --only "dashboard: none,stats" --out -

The database must exist and hold the stress data: ``migrate``, ``load_demo``, then ``generate_scale_data`` at its
default size (which includes the meetings and feedback answers step, ``--meetings`` and ``--answers``); see
``bench/README.md``. What it does, in order:

1. in a child process under the production settings: gives the demo officer a TOTP authenticator when it has none
   (production enforces MFA for staff), creates the officer's and the observer's sessions directly through the
   session engine (the keys ``django.contrib.auth.login`` writes, as ``bench/load/run.py`` does), issues the
   officer an API token, and picks the filters: the year with most Action starts, and the region, theme and
   country with the most Actions (the heaviest of each);
2. starts gunicorn as ``docs/deploy.md`` describes (``PONTIS_ENV=production``, a generated ``SECRET_KEY``,
   ``--workers`` workers, ``REDIS_URL`` on its own Redis database, default 13, which holds the figures cache,
   ``PONTIS_FIGURES_CACHE_SECONDS`` from ``--fresh``), and a task worker (``db_worker``) that computes the figures
   that aged;
3. for each row (the dashboard for six filters as the officer and as the observer; each statistics route with and
   without filters): one timed **first** request (shown, not judged: it also pays what a fresh worker and cold
   PostgreSQL buffers pay once) and ``--warmup`` seconds of unmeasured load at one connection per worker; then
   **cold**, ``--cold`` times: empty the Redis database of everything but the facts a build hands to the web
   workers and the reference-data version (``KEPT_WHEN_COLD``: the figures cache and the caches inside figures
   go), then one timed request (the first visitor after the
   cache expired, on a long-running server); then **warm**: ``wrk`` (2 threads,
   ``--connections``, ``--duration``; ``bench/load/session.lua`` sends the cookie or token and counts every
   non-2xx answer as an error); then, with ``--stale N``, **stale**: wait ``--fresh`` seconds and time N single
   requests (the figures kept are answered while the worker computes them again);
4. in a child process (production settings, same database and Redis): one cold dashboard request through Django's
   test client inside ``CaptureQueriesContext`` per filter (the number of SQL queries, their total time, the
   slowest statements, ``EXPLAIN (ANALYZE, BUFFERS)`` of the worst), the warm request's query count, and every
   registered figure's own query timed on its own (cache bypassed), slowest first;
5. prints everything, with the targets (dashboard p95 < 300 ms, statistics API p95 < 150 ms) as PASS / FAIL, and
   appends it to ``bench/results/reports-<date>.md`` with the commit measured, the data size and the load average.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

TARGET_MS = {"dashboard": 300, "stats": 150}
USERS = {"officer": "officer@pontis.example", "observer": "observer@pontis.example"}
STATS_ROUTES = ("actions", "participants", "experts")


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


# ---------------------------------------------------------------- child: sessions, token, filters, data size


def prepare() -> None:
    """Print one JSON line: the sessions, the officer's token, the filters and the size of the data."""
    _django()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.utils.module_loading import import_string

    from pontis.accounts.models import User
    from pontis.accounts.services import api_token_issue
    from pontis.actions.models import Action, Activity
    from pontis.core.roles import MFA_ROLES
    from pontis.experts.models import Deployment, ExpertProfile
    from pontis.feedback.models import Answer, Response

    store_class = import_string(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for who, email in USERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            raise SystemExit(f"The demo account {email} is missing: run `manage.py load_demo` on this database first.")
        if user.has_any_role(*MFA_ROLES) and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        store = store_class()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[who] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    _token, raw = api_token_issue(user=User.objects.get(email=USERS["officer"]), name="reports benchmark")
    live = Action.objects.exclude(status=Action.Status.CANCELLED)
    year = (live.filter(start_date__isnull=False).annotate(y=ExtractYear("start_date")).values("y")
            .annotate(n=Count("id")).order_by("-n", "-y").values_list("y", flat=True).first())
    region = (live.filter(region__isnull=False).values("region__code").annotate(n=Count("id")).order_by("-n")
              .values_list("region__code", flat=True).first())
    theme = (Action.themes.through.objects.values("thematicarea__code").annotate(n=Count("id")).order_by("-n")
             .values_list("thematicarea__code", flat=True).first())
    country = (Action.countries.through.objects.values("country__code").annotate(n=Count("id")).order_by("-n")
               .values_list("country__code", flat=True).first())
    print(json.dumps({
        "cookies": cookies, "token": raw, "year": year, "region": region, "theme": theme, "country": country,
        "counts": {"Actions": Action.objects.count(), "activities": Activity.objects.count(),
                   "experts": ExpertProfile.objects.count(), "deployments": Deployment.objects.count(),
                   "responses": Response.objects.count(), "answers": Answer.objects.count()},
    }))


def filter_sets(sample: dict) -> list[tuple[str, str]]:
    """(name, query string) of the dashboard's filters (GET from, to, region, theme, country)."""
    y = sample["year"]
    year = f"from={y}-01-01&to={y}-12-31"
    return [("none", ""), (f"year {y}", year), (f"region {sample['region']}", f"region={sample['region']}"),
            (f"theme {sample['theme']}", f"theme={sample['theme']}"),
            (f"country {sample['country']}", f"country={sample['country']}"),
            ("region+theme+year", f"{year}&region={sample['region']}&theme={sample['theme']}")]


def rows(sample: dict) -> list[dict]:
    out = []
    sets = filter_sets(sample)
    for who in USERS:
        for name, qs in sets:
            out.append({"name": f"dashboard: {name}", "who": who, "kind": "dashboard",
                        "path": "/reports/" + (f"?{qs}" if qs else "")})
    combo = sets[-1][1]
    for route in STATS_ROUTES:
        for name, qs in (("none", ""), ("region+theme+year", combo)):
            out.append({"name": f"stats/{route}: {name}", "who": "token", "kind": "stats",
                        "path": f"/api/v1/stats/{route}" + (f"?{qs}" if qs else "")})
    return out


# ---------------------------------------------------------------- child: SQL of a cold dashboard


def sql_report(paths: list[str], top: int, explain: int) -> None:
    """Print one JSON line: per dashboard path, the cold and warm query counts and the slowest statements; then every
    registered figure's own query timed (no cache) for no filter and for the last path's filters."""
    _django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pontis.accounts.models import User
    from pontis.reports.figures import registry
    from pontis.reports.figures.filters import Filters

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=USERS["officer"]))
    pages = []
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            started = time.perf_counter()
            status = client.get(path, secure=True).status_code
            cold_ms = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) as warm:
            started = time.perf_counter()
            client.get(path, secure=True)
            warm_ms = (time.perf_counter() - started) * 1000
        queries = sorted(({"ms": float(q["time"]) * 1000, "sql": q["sql"]} for q in cold.captured_queries),
                         key=lambda q: -q["ms"])
        plans = []
        for q in queries[:explain]:
            if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plans.append([r[0] for r in cursor.fetchall()])
        pages.append({"path": path, "status": status, "cold_ms": cold_ms, "warm_ms": warm_ms,
                      "cold_queries": len(cold.captured_queries), "warm_queries": len(warm.captured_queries),
                      "sql_ms": sum(q["ms"] for q in queries), "slowest": queries[:top], "plans": plans})
    figures = []
    last = paths[-1].partition("?")[2]
    params = dict(p.split("=", 1) for p in last.split("&") if "=" in p)
    combo = Filters(date_from=datetime.date.fromisoformat(params["from"]) if "from" in params else None,
                    date_to=datetime.date.fromisoformat(params["to"]) if "to" in params else None,
                    region=params.get("region"), theme=params.get("theme"), country=params.get("country"))
    for label, filters in (("none", Filters()), (last or "none", combo)):
        for f in registry.all_figures():
            cache.clear()  # caches inside a figure's query too (the feedback indicators keep their own)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                try:
                    f.query(filters)
                    error = ""
                except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                    error = repr(exc)[:200]
                ms = (time.perf_counter() - started) * 1000
            worst = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
            figures.append({"filters": label, "id": f.id, "ms": ms, "queries": len(ctx.captured_queries),
                            "error": error, "worst_sql": worst and worst["sql"][:600],
                            "worst_ms": worst and float(worst["time"]) * 1000})
    print(json.dumps({"pages": pages, "figures": figures}))


# ---------------------------------------------------------------- the runner


def timed_get(port: int, path: str, headers: dict) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        status = resp.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def child(env: dict, *extra: str) -> dict:
    out = subprocess.run([str(PYTHON), __file__, *extra], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child {extra[0]} failed:\n{out.stdout[-3000:]}\n{out.stderr[-6000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def verdict(r: dict) -> str:
    ok = r["p95"] < TARGET_MS[r["kind"]] and r["errors"] == 0
    return "PASS" if ok else "FAIL"


def table(results: list[dict]) -> list[str]:
    lines = ["| row | as | state | first ms | req/s | p50 ms | p95 ms | p99 ms | errors | target p95 | verdict |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        rps = "–" if r["state"].startswith(("cold", "stale")) else f"{r['rps']:.0f}"
        first = f"{r['first_ms']:.0f}" if r.get("first_ms") is not None else "–"
        bad = f" ({r['first_bad']})" if r.get("first_bad") else ""
        lines.append(f"| {r['name']} | {r['who']} | {r['state']} | {first} | {rps} | {r['p50']:.0f} | {r['p95']:.0f} | "
                     f"{r['p99']:.0f} | {r['errors']}{bad} | < {TARGET_MS[r['kind']]} | {verdict(r)} |")
    return lines


def sql_lines(report: dict, top: int) -> list[str]:
    lines = ["", "### SQL of a cold dashboard (officer, Django test client in the production profile)", "",
             "| filters | status | cold ms | SQL queries cold | SQL ms cold | warm ms | SQL queries warm |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for p in report["pages"]:
        lines.append(f"| `{p['path']}` | {p['status']} | {p['cold_ms']:.0f} | {p['cold_queries']} | "
                     f"{p['sql_ms']:.0f} | {p['warm_ms']:.0f} | {p['warm_queries']} |")
    for p in report["pages"]:
        if not p["slowest"]:
            continue
        lines += ["", f"Slowest SQL of the cold `{p['path']}`:", ""]
        for q in p["slowest"][:top]:
            lines.append(f"- {q['ms']:.0f} ms: `{' '.join(q['sql'].split())[:700]}`")
        for n, plan in enumerate(p["plans"], 1):
            lines += ["", f"EXPLAIN (ANALYZE, BUFFERS) of slowest #{n}:", "", "```", *plan[:40], "```"]
    lines += ["", "### Each figure's own query (cache bypassed), slowest first", "",
              "| filters | figure | ms | queries | slowest statement ms | error |", "|---|---|---:|---:|---:|---|"]
    for f in sorted(report["figures"], key=lambda f: -f["ms"]):
        lines.append(f"| {f['filters']} | {f['id']} | {f['ms']:.0f} | {f['queries']} | "
                     f"{(f['worst_ms'] or 0):.0f} | {f['error']} |")
    worst = sorted(report["figures"], key=lambda f: -(f["worst_ms"] or 0))[:top]
    lines += ["", "Slowest statements of the figures:", ""]
    lines += [f"- {f['id']} ({f['filters']}), {f['worst_ms']:.0f} ms: `{' '.join(f['worst_sql'].split())}`"
              for f in worst if f["worst_sql"]]
    return lines


# What a running server still holds when a visitor asks for filters no one asked for before: the facts a build
# handed to the web workers, and the reference-data version (emptying it would also stand for a change of the
# countries and themes, and every option list and kept form would be rendered again).
KEPT_WHEN_COLD = (b"pontis:facts:", b"pontis:reference-version")


def empty_figures(cache) -> None:
    """Empty the server's cache of everything but ``KEPT_WHEN_COLD``: the figures, and the caches inside them."""
    for key in cache.scan_iter(count=1000):
        if not any(kept in key for kept in KEPT_WHEN_COLD):
            cache.delete(key)


def main() -> None:
    from run import commit, ensure_wrk, free_port, load, run_wrk, server_env, wait_healthy  # bench/load/run.py

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="pontis_bench_reports", help="PostgreSQL database with the stress data")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="Redis URL, own db number (default 13)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per warm row (default 10; 0: none)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds before each warm row (default 3)")
    parser.add_argument("--cold", type=int, default=3, help="cold requests per row, cache emptied before each")
    parser.add_argument("--fresh", type=int, default=300,
                        help="PONTIS_FIGURES_CACHE_SECONDS of the server: how long figures are fresh (default 300)")
    parser.add_argument("--stale", type=int, default=0,
                        help="requests per row after the figures aged (kept figures answered, refresh queued); each "
                             "row then waits --fresh seconds: use with a short --fresh (default 0: none)")
    parser.add_argument("--only", default="", help="comma-separated substrings of row names to run")
    parser.add_argument("--no-sql", dest="sql", action="store_false", help="skip the SQL report")
    parser.add_argument("--top", type=int, default=5, help="slowest statements listed (default 5)")
    parser.add_argument("--explain", type=int, default=2, help="slowest statements explained (default 2)")
    parser.add_argument("--out", default="", help="results file (default bench/results/reports-<date>.md; '-': none)")
    parser.add_argument("--note", default="", help="a line added to the results file")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sql-paths", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    if args.sql_paths:
        sql_report(json.loads(args.sql_paths), args.top, args.explain)
        return

    import redis

    wrk = ensure_wrk()
    port = free_port()
    env = server_env(args, port)
    env.pop("PONTIS_BENCH_FLOOR", None)
    env["PONTIS_FIGURES_CACHE_SECONDS"] = str(args.fresh)
    subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    sample = child(env, "--prepare")
    cache = redis.Redis.from_url(args.redis)
    only = [o.strip().lower() for o in args.only.split(",") if o.strip()]
    todo = [r for r in rows(sample) if not only or any(o in f"{r['name']} {r['who']}".lower() for o in only)]
    log_path = f"/tmp/pontis-bench-reports-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    # A task worker beside it: it computes the figures that aged (refresh tasks). django-tasks' own db_worker, not
    # run_worker, so that no periodic task (search documents, reminders) competes with the pages measured; at the
    # lower CPU priority run_worker takes in production (its --nice, 10).
    worker = subprocess.Popen(["nice", "-n", "10", str(PYTHON), "manage.py", "db_worker"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    started_load, results, missing = load(), [], []
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, server)
        print(f"Serving {base} (database {args.database}: {sample['counts']}), load {started_load}", flush=True)
        run_wrk(wrk, base + "/healthz", args.workers, 2)  # every worker up before the first cold request
        for row in todo:
            cookie = sample["cookies"].get(row["who"], "")
            bearer = sample["token"] if row["who"] == "token" else ""
            headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {}),
                       **({"Authorization": f"Bearer {bearer}"} if bearer else {})}
            # Unmeasured first: one request (computes and caches the figures), then --warmup seconds at one
            # connection per worker, so that every worker has loaded once what a long-running server has (templates,
            # modules) and PostgreSQL has the pages in its buffers; cold then measures only the emptied cache.
            first, first_ms = timed_get(port, row["path"], headers)
            if first == 404:
                missing.append(row)
                print(f"  {row['name']:<34} {row['who']:<8} 404: route missing, row left out", flush=True)
                continue
            if args.warmup:
                run_wrk(wrk, base + row["path"], args.workers, args.warmup, cookie, bearer)
            cold = []
            for _ in range(args.cold):
                empty_figures(cache)
                cold.append(timed_get(port, row["path"], headers))
            statuses = [s for s, _ms in cold]
            times = sorted(ms for _s, ms in cold)
            bad = [s for s in statuses if not 200 <= s < 300]
            results.append({**row, "state": f"cold (n={len(times)})", "rps": 0.0, "first_ms": first_ms,
                            "p50": statistics.median(times), "p95": times[-1], "p99": times[-1], "errors": len(bad), "first_bad": bad[0] if bad else 0})
            if args.warmup:  # the last cold request filled the cache; every worker reads it once, unmeasured
                run_wrk(wrk, base + row["path"], args.workers, 1, cookie, bearer)
            r = {"rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "errors": 0}
            if args.duration:
                r = run_wrk(wrk, base + row["path"], args.connections, args.duration, cookie, bearer)
                results.append({**row, **r, "state": f"warm (c={args.connections})"})
            if args.stale:
                # The figures age (--fresh seconds): each request answers the kept figures and the first queues
                # their refresh, which the task worker computes meanwhile.
                time.sleep(args.fresh + 1)
                stale = sorted(timed_get(port, row["path"], headers)[1] for _ in range(args.stale))
                results.append({**row, "state": f"stale (n={len(stale)})", "rps": 0.0,
                                "p50": statistics.median(stale), "p95": stale[-1], "p99": stale[-1], "errors": 0})
            print(f"  {row['name']:<34} {row['who']:<8} first {first_ms:6.0f} ms  cold {statistics.median(times):6.0f}"
                  f" ms (max {times[-1]:.0f})"
                  f"  warm {r['rps']:6.0f} req/s p50 {r['p50']:5.0f} p95 {r['p95']:5.0f} p99 {r['p99']:5.0f} ms"
                  f"  errors {len(bad)}+{r['errors']}", flush=True)
    finally:
        worker.terminate()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    ended_load = load()
    lines = table(results)
    if args.sql:
        paths = ["/reports/" + (f"?{qs}" if qs else "") for _name, qs in filter_sets(sample)]
        paths = [paths[0], paths[-1]]
        report = child(env, "--sql-paths", json.dumps(paths), "--top", str(args.top), "--explain", str(args.explain))
        lines += sql_lines(report, args.top)
        cache.flushdb()
    print("\n".join(lines))
    print(f"gunicorn log: {log_path}")
    if args.out == "-":
        return
    out = Path(args.out) if args.out else RESULTS / f"reports-{datetime.date.today().isoformat()}.md"
    counts = ", ".join(f"{n:,} {k}" for k, n in sample["counts"].items())
    header = [
        f"# Reports benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- commit measured: {commit()}",
        f"- database: `{args.database}`: {counts}",
        f"- served: gunicorn, {args.workers} workers, PONTIS_ENV=production, figures cache in Redis {args.redis} "
        f"({env['PONTIS_FIGURES_CACHE_SECONDS']} s); wrk 2 threads, {args.connections} connections, "
        f"{args.duration} s per warm row after {args.warmup} s unmeasured",
        f"- first: one request before any warm-up (fresh workers, cold buffers); cold: then {args.cold} single "
        f"requests per row, the Redis database emptied (FLUSHDB) before each; p50 is their median, p95 and p99 "
        f"their slowest",
        f"- filters: year {sample['year']}, region {sample['region']}, theme {sample['theme']}, country "
        f"{sample['country']} (the heaviest of each)",
        f"- machine load before / after: {started_load} / {ended_load}",
        f"- targets (issue 13): dashboard p95 < {TARGET_MS['dashboard']} ms, statistics API p95 < "
        f"{TARGET_MS['stats']} ms, no errors",
    ]
    if missing:
        header.append(f"- left out (route answered 404): {', '.join(sorted({r['name'] for r in missing}))}")
    if args.note:
        header.append(f"- note: {args.note}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(header + [""] + lines) + "\n\n")
    print(f"\nWritten to {out}")


if __name__ == "__main__":
    main()
