"""Load benchmark: Pontis served the production way, driven by wrk on loopback. Prints a table; never asserts.

    .venv/bin/python bench/load/run.py --database pontis_scale                 # 16 and 64 connections, 10 s each
    .venv/bin/python bench/load/run.py --database pontis_scale --duration 5 --only floor,request_list --connections 16

What it does, in order:

1. installs Debian's ``wrk`` with apt-get when it is missing;
2. prepares the database (a child process in the production profile): the demo accounts of ``load_demo`` must be
   there. Staff and committee members must sign in with TOTP in production, so each such demo account gets a TOTP
   authenticator (a fresh secret) when it has none, and each role's session is **created directly through Django's
   session engine** with the same keys ``django.contrib.auth.login`` writes after a complete sign-in (user id,
   backend, password hash). This skips only the password and TOTP forms, not any check the pages make:
   ``RequireMFAMiddleware`` still sees a person holding an MFA role and lets them through because TOTP is set up,
   exactly as for a real officer. An API token is issued to the officer for the API routes. It also chooses the
   objects the pages show: the largest Action (most activities), one of its activities, an open request;
3. starts gunicorn as ``docs/deploy.md`` describes: ``PONTIS_ENV=production``, a generated ``SECRET_KEY``, 5
   workers, ``REDIS_URL`` on its own Redis database number (default 11), whitenoise for static files (after
   ``collectstatic``), on a free loopback port, with ``PONTIS_BENCH_FLOOR=1`` (the layout floor page ``/_floor``).
   Requests carry ``X-Forwarded-Proto: https`` as from the TLS proxy;
4. for each page and each number of connections, runs ``wrk`` (2 threads, bounded by ``--duration``) with
   ``bench/load/session.lua``, which counts every non-2xx answer as an error (redirects included); the floor is
   measured again after every ``--floor-every`` pages and at the end, and each page is compared with the floor
   readings just before and after it;
5. prints the table and writes it to ``bench/results/load-<date>.md`` with the commit measured and the load average.

Targets (issue 10), at the default stress size: no errors; p95 < 250 ms at 16 connections and < 1 s at 64; every
page at least 40 % of the layout floor's throughput. Each is printed MET / NOT MET.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LUA = Path(__file__).resolve().parent / "session.lua"
# Bodies larger than this are measured with large.lua (no response hook: wrk would copy each body into Lua).
LARGE_LUA = Path(__file__).resolve().parent / "large.lua"
LARGE_BODY = 1_000_000
RESULTS = ROOT / "bench" / "results"
DEMO = {  # role -> demo account (pontis/accounts/demo.py)
    "admin": "admin@pontis.example",
    "officer": "officer@pontis.example",
    "committee": "committee@pontis.example",
    "focal_point": "focal.point@pontis.example",
    "expert": "expert@pontis.example",
    "observer": "observer@pontis.example",
}
TARGET_P95_MS = {16: 250, 64: 1000}
TARGET_FLOOR_SHARE = 0.40


# ---------------------------------------------------------------- preparation (child process, production profile)


def prepare() -> None:
    """Print the sessions, token and sample objects as one JSON line (runs inside the server's environment)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.utils.module_loading import import_string

    from pontis.accounts.models import User
    from pontis.accounts.services import api_token_issue
    from pontis.actions.models import Action
    from pontis.core.roles import MFA_ROLES
    from pontis.experts.models import ExpertProfile
    from pontis.intake.models import OPEN_STATUSES, Request

    store_class = import_string(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for role, email in DEMO.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            raise SystemExit(f"The demo account {email} is missing: run `manage.py load_demo` on this database first.")
        if user.has_any_role(*MFA_ROLES) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        store = store_class()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    officer = User.objects.get(email=DEMO["officer"])
    _token, raw = api_token_issue(user=officer, name="load benchmark")
    action = Action.objects.annotate(n=Count("activities")).order_by("-n", "code").first()
    activity = action.activities.order_by("-start_date", "id").first() if action else None
    request = Request.objects.filter(status__in=OPEN_STATUSES).order_by("-submitted_at", "id").first()
    word = (ExpertProfile.objects.order_by("id").values_list("family_name", flat=True).first() or "smith").lower()
    from pontis.core.models import Language, ThematicArea

    theme = ThematicArea.objects.order_by("sort_order", "code").values_list("pk", flat=True).first()
    english = Language.objects.filter(code="en").values_list("pk", flat=True).first()
    from pontis.knowledge.models import LibraryItem, PublishedAction

    portal_action = (PublishedAction.objects.filter(is_published=True).order_by("-action__code")
                     .values_list("slug", flat=True).first())
    item = (LibraryItem.objects.filter(status="published", visibility="public", kind="case_study")
            .order_by("-year", "slug").values_list("slug", flat=True).first())
    # Meetings and feedback (issue 11): the meeting with the longest agenda, the panel with the most meetings, the
    # meeting with the most registrations, a personal link not yet answered of an open questionnaire.
    from django.utils import timezone

    from pontis.events.models import Meeting, Panel
    from pontis.feedback.models import Invitation

    meeting = (Meeting.objects.annotate(n=Count("sessions")).order_by("-n", "slug")
               .values_list("slug", flat=True).first())
    panel = Panel.objects.annotate(n=Count("meetings")).order_by("-n", "slug").values_list("slug", flat=True).first()
    registrations = (Meeting.objects.annotate(n=Count("registrations")).filter(n__gt=0).order_by("-n", "slug")
                     .values_list("slug", flat=True).first())
    invitation = (Invitation.objects.filter(answered_at__isnull=True, questionnaire__status="open",
                                            questionnaire__is_template=False)
                  .exclude(questionnaire__closes_at__lte=timezone.now())
                  .order_by("id").values_list("token", flat=True).first())
    print(json.dumps({
        "meeting": meeting, "panel": panel, "registrations": registrations, "invitation": invitation,
        "cookies": cookies, "token": raw, "action": action and action.code, "activity": activity and activity.pk,
        "request": request and request.pk, "word": word, "theme": theme, "english": english,
        "portal_action": portal_action, "item": item,
        "counts": {"experts": ExpertProfile.objects.count(), "actions": Action.objects.count(),
                   "requests": Request.objects.count()},
    }))


# ---------------------------------------------------------------- the runner


def pages(sample: dict) -> list[tuple[str, str, str]]:
    """(name, path, who): who is a role (session cookie), "anonymous" or "token" (the officer's bearer token),
    with "+gzip" for a client that sends Accept-Encoding: gzip."""
    code, activity, req, word = sample["action"], sample["activity"], sample["request"], sample["word"]
    rows = [
        ("healthz (ceiling)", "/healthz", "anonymous"),
        ("floor (layout)", "/_floor", "officer"),
        ("landing (public)", "/", "anonymous"),
    ]
    rows += [(f"home: {role}", "/", role) for role in DEMO]
    rows += [
        ("request list", "/requests/", "officer"),
        ("request page", f"/requests/{req}/", "officer"),
        ("request list: focal point", "/requests/", "focal_point"),
        ("Action list", "/actions/", "officer"),
        ("Action page", f"/actions/{code}/", "officer"),
        ("fiche", f"/actions/{code}/fiche/", "officer"),
        ("roster: free text", f"/experts/?q={word}", "officer"),
        ("roster: filters", f"/experts/?theme={sample['theme']}&language={sample['english']}&status=active", "officer"),
        ("candidates", f"/experts/activities/{activity}/", "officer"),
        ("at risk: Actions", "/actions/at-risk/", "officer"),
        ("at risk: requests", "/requests/at-risk/", "officer"),
        ("process", "/actions/process/", "officer"),
        ("API: Action list", "/api/v1/actions", "token"),
        ("API: Action detail", f"/api/v1/actions/{code}", "token"),
        ("search: public, another language", "/search/?q=trata+de+personas&lang=es", "anonymous"),
        ("search: filters", "/search/?q=migration&type=case_study&type=practice", "officer"),
        ("API: search", "/api/v1/search?q=migration", "token"),
        ("portal home", "/portal/", "anonymous"),
        ("portal: Action page", f"/portal/actions/{sample.get('portal_action')}/", "anonymous"),
        ("portal: map", "/portal/map/", "anonymous"),
        ("library list", "/library/", "anonymous"),
        ("library: case study", f"/library/{sample.get('item')}/", "anonymous"),
        ("library: case study, officer", f"/library/{sample.get('item')}/", "officer"),
        ("similar elsewhere: request panel", f"/similar/request/{req}/", "officer"),
    ]
    # Meetings and feedback (issue 11). A row whose sample the database lacks (no meeting, no open personal link:
    # run generate_scale_data with --meetings and --answers) is left out and said so.
    meeting, panel, regs, invitation = (sample.get("meeting"), sample.get("panel"), sample.get("registrations"),
                                        sample.get("invitation"))
    rows += [
        ("meeting list", "/events/", "anonymous"),
        ("meeting list: officer", "/events/", "officer"),
        ("meeting page with agenda", f"/events/{meeting}/" if meeting else None, "officer"),
        ("panel page", f"/panels/{panel}/" if panel else None, "officer"),
        ("registration list (staff)", f"/events/{regs}/registrations/" if regs else None, "officer"),
        ("questionnaire list (staff)", "/feedback/", "officer"),
        ("respondent form", f"/feedback/r/{invitation}/" if invitation else None, "anonymous"),
        ("feedback review", "/feedback/review/", "officer"),
        ("API: meetings", "/api/v1/meetings", "token"),
        ("API: indicators", "/api/v1/indicators", "token"),
    ]
    # Reporting and open data (issue 13): the figures dashboard (officer, observer, one year), a table's XLSX, the
    # annual report builds, the IATI staff page, the statistics API and the public IATI file. bench/bench_reports.py
    # measures the dashboard and the statistics API in detail (more filters, cold and warm, SQL).
    year = datetime.date.today().year - 1
    rows += [
        ("figures dashboard", "/reports/", "officer"),
        ("figures dashboard: observer", "/reports/", "observer"),
        ("figures dashboard: a year", f"/reports/?from={year}-01-01&to={year}-12-31", "officer"),
        ("figures table: XLSX", "/reports/tables/actions.by_region/xlsx/", "officer"),
        ("annual report builds", "/reports/annual/", "officer"),
        ("IATI page (staff)", "/reports/iati/", "officer"),
        ("API: stats actions", "/api/v1/stats/actions", "token"),
        ("API: stats participants", "/api/v1/stats/participants", "token"),
        ("API: stats experts", "/api/v1/stats/experts", "token"),
        ("API: IATI activities.xml", "/api/v1/iati/activities.xml", "anonymous"),
        # A harvester's HTTP library asks for gzip (Python's requests, curl --compressed): 0.8 MB instead of 13 MB.
        ("API: IATI activities.xml, gzip", "/api/v1/iati/activities.xml", "anonymous+gzip"),
    ]
    for name, path, _who in rows:
        if path is None:
            print(f"  (no sample in this database for {name!r}: row left out)")
    return [row for row in rows if row[1] is not None]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(args, port: int) -> dict:
    env = dict(os.environ)
    for name in ("PONTIS_DEMO", "PONTIS_RELAX_MFA", "DEBUG"):
        env.pop(name, None)
    env.update({
        "PONTIS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": f"{args.server}/{args.database}",
        "REDIS_URL": args.redis,
        "WEB_CONCURRENCY": str(args.workers),
        "PONTIS_BENCH_FLOOR": "1",
        "SILENCED_SYSTEM_CHECKS": "security.W021",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def wait_healthy(base: str, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped during start-up (see its log above)")
        try:
            if probe(base, "/healthz", {"X-Forwarded-Proto": "https"}, timeout=2) == 200:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def probe(base: str, path: str, headers: dict, timeout: float = 30, sizes: list | None = None) -> int:
    """The status of one request, redirects not followed (a redirect to sign-in is a failure). The body's length
    is appended to ``sizes`` when given."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(base + path, headers=headers), timeout=timeout) as r:
            body = r.read()
            if sizes is not None:
                sizes.append(len(body))
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):  # a timeout: wrk measures it
        return 0


def run_wrk(wrk: str, url: str, connections: int, duration: int, cookie: str = "", bearer: str = "",
            encoding: str = "", large: bool = False) -> dict:
    env = dict(os.environ, PONTIS_WRK_COOKIE=cookie, PONTIS_WRK_BEARER=bearer, PONTIS_WRK_ACCEPT_ENCODING=encoding)
    script = LARGE_LUA if large else LUA
    cmd = [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", str(script), url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
    match = re.search(r"PONTIS_RESULT (\{.*\})", out.stdout)
    if not match:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    r = json.loads(match.group(1))
    seconds = r["duration_us"] / 1e6
    return {"rps": r["requests"] / seconds if seconds else 0.0, "p50": r["p50_us"] / 1000, "p95": r["p95_us"] / 1000,
            "p99": r["p99_us"] / 1000, "errors": r["non_2xx"] + r["socket_errors"], "requests": r["requests"],
            "first_bad": r["first_bad_status"]}


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return f"{head}{' + uncommitted changes' if dirty else ''}"


def floor_near(results: list[dict], index: int) -> float:
    """The floor's throughput a row is compared with: the mean of the floor readings at the same number of
    connections made just before it and just after it (the floor is measured again every few pages, so that a
    machine whose speed drifts during a long run compares each page with the floor of its own minutes)."""
    row = results[index]
    same = [(k, r["rps"]) for k, r in enumerate(results) if r["conns"] == row["conns"] and r["name"].startswith("floor")]
    before = [rps for k, rps in same if k < index]
    after = [rps for k, rps in same if k > index]
    near = before[-1:] + after[:1]
    return sum(near) / len(near) if near else 0.0


def table(results: list[dict], connections: list[int]) -> list[str]:
    lines = ["| page | conns | req/s | p50 ms | p95 ms | p99 ms | errors | floor req/s | % of floor | p95 target | floor target |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for c in connections:
        for k, r in enumerate(results):
            if r["conns"] != c:
                continue
            reference = r["name"].startswith(("healthz", "floor"))
            floor = 0.0 if reference else floor_near(results, k)
            share = r["rps"] / floor if floor else 0
            # A page that answered nothing within the run (every request still waiting) meets nothing.
            p95_ok = r["requests"] > 0 and r["p95"] < TARGET_P95_MS.get(c, 1000) and r["errors"] == 0
            share_ok = share >= TARGET_FLOOR_SHARE
            lines.append(
                f"| {r['name']} | {c} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['errors']}"
                f"{' (' + str(r['first_bad']) + ')' if r['first_bad'] else ''} | {'–' if reference else f'{floor:.0f}'} | "
                f"{'–' if reference else f'{share * 100:.0f}%'} | "
                f"{'MET' if p95_ok else 'NOT MET'} | {'–' if reference else ('MET' if share_ok else 'NOT MET')} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="pontis_scale", help="PostgreSQL database (default pontis_scale)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="Redis URL, own db number (default 11)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and connection count (default 10)")
    parser.add_argument("--connections", default="16,64", help="comma-separated (default 16,64)")
    parser.add_argument("--only", default="", help="comma-separated substrings of page names to run (references always run)")
    parser.add_argument("--out", default="", help="results file (default bench/results/load-<date>.md; '-' for none)")
    parser.add_argument("--note", default="", help="a line added to the results file (what changed, why this run)")
    parser.add_argument("--warmup", type=int, default=3,
                        help="seconds of unmeasured load on each page first, so every worker has loaded what it loads "
                             "once (the meaning model, caches) as a long-running server has (default 3; 0 for none)")
    parser.add_argument("--floor-every", type=int, default=8,
                        help="measure the floor again after every N pages; each page is compared with the floor "
                             "readings just before and after it (default 8; 0: once, at the start)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return

    connections = [int(c) for c in args.connections.split(",") if c.strip()]
    wrk = ensure_wrk()
    port = free_port()
    env = server_env(args, port)
    base = f"http://127.0.0.1:{port}"
    subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    prepared = subprocess.run([str(PYTHON), __file__, "--prepare"], cwd=ROOT, env=env, capture_output=True, text=True)
    if prepared.returncode:
        raise SystemExit(f"preparation failed:\n{prepared.stdout}\n{prepared.stderr}")
    sample = json.loads(prepared.stdout.strip().splitlines()[-1])
    log = open(f"/tmp/pontis-load-gunicorn-{port}.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    started_load = load()
    results = []
    try:
        wait_healthy(base, server)
        only = [o.strip().lower() for o in args.only.split(",") if o.strip()]
        todo = [p for p in pages(sample) if not only or p[0].startswith(("healthz", "floor"))
                or any(o in p[0].lower() for o in only)]

        def measure(name, path, who):
            who, _, encoding = who.partition("+")  # "anonymous+gzip": a client that accepts gzip
            cookie = sample["cookies"].get(who, "") if who not in ("anonymous", "token") else ""
            bearer = sample["token"] if who == "token" else ""
            headers = {"X-Forwarded-Proto": "https"}
            if encoding:
                headers["Accept-Encoding"] = encoding
            if cookie:
                headers["Cookie"] = cookie
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
            sizes: list[int] = []
            status = probe(base, path, headers, sizes=sizes)
            large = bool(sizes) and sizes[0] > LARGE_BODY
            if args.warmup:  # unmeasured: each worker loads once what a long-running server has loaded long ago
                # One connection per worker: enough to reach every worker, without leaving a queue behind.
                run_wrk(wrk, base + path, args.workers, args.warmup, cookie, bearer, encoding, large)
            for c in connections:
                r = run_wrk(wrk, base + path, c, args.duration, cookie, bearer, encoding, large)
                if large:  # large.lua sees 4xx and 5xx only: the status after the row must still be 2xx
                    after = probe(base, path, headers)
                    if not 200 <= after <= 299 or not 200 <= status <= 299:
                        after = after if not 200 <= after <= 299 else status
                        r["errors"] += 1
                        r["first_bad"] = r["first_bad"] or after
                r.update(name=name + (" (large.lua)" if large else ""), conns=c, path=path, status=status)
                results.append(r)
                print(f"  {name:<28} c={c:<3} {r['rps']:7.0f} req/s  p50 {r['p50']:6.0f}  p95 {r['p95']:6.0f}  "
                      f"p99 {r['p99']:6.0f} ms  errors {r['errors']}{' (status ' + str(r['first_bad']) + ')' if r['errors'] else ''}",
                      flush=True)

        print(f"Serving {base} (database {args.database}: {sample['counts']}), load {started_load}")
        floor_row = next(p for p in todo if p[0].startswith("floor"))
        pages_since_floor = 0
        for name, path, who in todo + ([(floor_row[0] + ", again", floor_row[1], floor_row[2])] if args.floor_every else []):
            if name.startswith(("healthz", "floor")):
                pages_since_floor = 0
            elif args.floor_every and pages_since_floor >= args.floor_every:
                measure(floor_row[0] + ", again", floor_row[1], floor_row[2])
                pages_since_floor = 0
            measure(name, path, who)
            pages_since_floor += 0 if name.startswith(("healthz", "floor")) else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    ended_load = load()
    lines = table(results, connections)
    print("\n".join(lines))
    if args.out == "-":
        return
    out = Path(args.out) if args.out else RESULTS / f"load-{datetime.date.today().isoformat()}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    header = [
        f"# Load benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- commit measured: {commit()}",
        f"- database: `{args.database}`: {sample['counts']['experts']:,} experts, {sample['counts']['actions']:,} Actions, "
        f"{sample['counts']['requests']:,} requests",
        f"- served: gunicorn, {args.workers} workers, PONTIS_ENV=production, Redis {args.redis}; wrk 2 threads, "
        f"{args.duration} s per row",
        f"- pages: Action `{sample['action']}`, activity {sample['activity']}, request {sample['request']}",
        f"- machine load before / after: {started_load} / {ended_load}",
        f"- targets: p95 < 250 ms at 16 connections, < 1 s at 64, no errors; >= {TARGET_FLOOR_SHARE:.0%} of the floor",
    ]
    if args.note:
        header.append(f"- note: {args.note}")
    with out.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(header + [""] + lines) + "\n\n")
    print(f"\nWritten to {out}")


if __name__ == "__main__":
    main()
