"""Feedback submission benchmark: ``POST /api/v1/responses`` from many concurrent clients, on PostgreSQL, served
the production way. Prints figures; never asserts (see ``bench/README.md``).

    .venv/bin/python bench/bench_feedback.py                          # 32 clients, 25 s, 10 % duplicates
    .venv/bin/python bench/bench_feedback.py --clients 64 --duration 20 --workers 5

What it does, in order:

1. creates its own PostgreSQL database (default ``pontis_bench_feedback``) when missing and migrates it;
2. in a child process under the same production settings, creates one open questionnaire (anonymous, English
   and Russian) with 8 questions of every type (ratings tagged with evaluation criteria, one and several choices,
   free text, a pre/post knowledge pair), its launched version and ``--invitations`` personal links (tokens made
   with ``secrets.token_urlsafe(32)``, as the product makes them). The rows are written directly with the models
   (the benchmark measures submission, not the builder);
3. starts gunicorn as ``docs/deploy.md`` and ``bench/load/run.py`` do: ``PONTIS_ENV=production``, a generated
   ``SECRET_KEY``, ``--workers`` workers, ``REDIS_URL`` on its own Redis database (default 12), requests carrying
   ``X-Forwarded-Proto: https`` as from the TLS proxy;
4. ``--clients`` connections post answers for ``--duration`` seconds (after an unmeasured warm-up): by default
   from ``wrk`` (C, two threads, ``bench/load/responses.lua``, the bodies written beforehand, one file per
   thread), or with ``--client python`` from as many Python threads, each with one keep-alive connection, which
   also check that every duplicate is answered with its original's id. The Python client costs about 0.6 ms of
   CPU per response on the same two cores, a twentieth of the machine at this rate; wrk about a tenth of that. About ``--duplicates`` of the posts repeat an earlier submission,
   half of them the exact same body (a network retry or double tap: same token, same ``client_id``) and half the
   same token with a new ``client_id`` (a second tab). A duplicate is picked among the most recent submissions,
   which may still be in flight: originals and duplicates race on purpose;
5. prints submissions sent, accepted (201), duplicates answered 200, errors, responses per second (accepted per
   second of measured time), p50/p95/p99 latency, then counts in the database: stored responses for the
   questionnaire against accepted submissions (must be equal exactly), tokens stored twice (must be 0), tokens
   that received two different response ids (must be 0) and invitations marked answered.

Target (issue 11): at least 200 responses per second on this 2-core machine, stored = accepted, no token twice.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
TARGET_RPS = 200
WRK_LUA = ROOT / "bench" / "load" / "responses.lua"
CRITERIA = ["relevance", "effectiveness", "efficiency", "impact"]


def questions(criteria: list[str]) -> list[dict]:
    """The frozen ``questions`` of the version (the shape documented on ``QuestionnaireVersion``)."""

    def text(en, ru):
        return {"en": en, "ru": ru}

    def q(key, type_, en, ru, *, criterion="", level="", pair="", phase="", choices=(), required=True):
        return {"key": key, "type": type_, "text": text(en, ru), "help": {}, "required": required,
                "criterion": criterion, "level": level, "pair": pair, "phase": phase,
                "choices": [{"value": v, "label": text(v.title(), v)} for v in choices]}

    c = (criteria + [""] * 4)[:4]
    return [
        q("relevance", "rating", "How relevant was the activity?", "Насколько этап был актуален?",
          criterion=c[0], level="reaction"),
        q("organisation", "rating", "How well was it organised?", "Как он был организован?",
          criterion=c[2], level="reaction"),
        q("usefulness", "rating", "How useful will it be in your work?", "Насколько он полезен в работе?",
          criterion=c[1], level="behaviour"),
        q("format", "single", "Which format suited you best?", "Какой формат подошёл лучше?",
          choices=("workshop", "lecture", "visit")),
        q("topics", "multiple", "Which topics were most useful?", "Какие темы были полезнее всего?",
          choices=("asylum", "return", "borders", "data")),
        q("knowledge_pre", "knowledge", "Your knowledge before", "Ваши знания до", level="learning",
          pair="knowledge", phase="pre"),
        q("knowledge_post", "knowledge", "Your knowledge after", "Ваши знания после", level="learning",
          pair="knowledge", phase="post"),
        q("comment", "text", "Anything else?", "Что-нибудь ещё?", required=False),
    ]


# ---------------------------------------------------------------- preparation (child process, production profile)


def prepare(invitations: int, tokens_file: str) -> None:
    """Create the questionnaire, its version and the invitations; write the tokens to ``tokens_file`` (one a line)
    and print one JSON line (questionnaire id, counts)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from pontis.core.models import EvaluationCriterion
    from pontis.feedback.models import Invitation, Questionnaire, QuestionnaireVersion

    codes = set(EvaluationCriterion.objects.values_list("code", flat=True))
    criteria = [c for c in CRITERIA if c in codes]
    qs = questions(criteria)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            title={"en": f"Benchmark questionnaire {stamp}", "ru": f"Анкета для замера {stamp}"},
            purpose=Questionnaire.Purpose.PARTICIPANT, anonymity=Questionnaire.Anonymity.ANONYMOUS,
            languages=["en", "ru"], status=Questionnaire.Status.OPEN)
        QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, questions=qs, title=questionnaire.title, languages=["en", "ru"])
        tokens = [secrets.token_urlsafe(32) for _ in range(invitations)]
        Invitation.objects.bulk_create(
            [Invitation(questionnaire=questionnaire, token=t, language=random.choice(["en", "ru"])) for t in tokens],
            batch_size=2000)
    Path(tokens_file).write_text("\n".join(tokens) + "\n", encoding="utf-8")
    print(json.dumps({"questionnaire": questionnaire.pk, "questions": qs, "invitations": len(tokens)}))


def count(questionnaire: int) -> None:
    """Print, as one JSON line, what the database holds for the questionnaire after the run."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db.models import Count

    from pontis.feedback.models import Answer, Invitation, Response

    responses = Response.objects.filter(questionnaire_id=questionnaire)
    twice = (responses.exclude(token_digest__isnull=True).values("token_digest").annotate(n=Count("id"))
             .filter(n__gt=1).count())
    print(json.dumps({
        "responses": responses.count(),
        "without_token": responses.filter(token_digest__isnull=True).count(),
        "tokens_twice": twice,
        "client_ids_twice": responses.values("client_id").annotate(n=Count("id")).filter(n__gt=1).count(),
        "answers": Answer.objects.filter(response__questionnaire_id=questionnaire).count(),
        "answered_invitations": Invitation.objects.filter(questionnaire_id=questionnaire,
                                                          answered_at__isnull=False).count(),
    }))


# ---------------------------------------------------------------- the runner


def ensure_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


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
        "SILENCED_SYSTEM_CHECKS": "security.W021",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def child(env: dict, *extra: str) -> dict:
    out = subprocess.run([str(PYTHON), __file__, *extra], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"child {extra[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_healthy(port: int, proc, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped during start-up (see its log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def answers(rng: random.Random, qs: list[dict]) -> dict:
    out = {}
    for q in qs:
        if q["type"] in ("rating", "knowledge"):
            out[q["key"]] = rng.randint(1, 5) if q["phase"] != "post" else rng.randint(3, 5)
        elif q["type"] == "single":
            out[q["key"]] = rng.choice(q["choices"])["value"]
        elif q["type"] == "multiple":
            values = [c["value"] for c in q["choices"]]
            out[q["key"]] = rng.sample(values, rng.randint(1, len(values)))
        elif rng.random() < 0.5:
            out[q["key"]] = rng.choice(["Очень полезно, спасибо.", "More time for questions, please.",
                                        "Très utile pour notre service."])
    return out


class Shared:
    """What the client threads share: the unused tokens, the recent submissions (for duplicates) and the tally."""

    def __init__(self, tokens: list[str]):
        self.lock = threading.Lock()
        self.tokens = collections.deque(tokens)
        self.recent: collections.deque = collections.deque(maxlen=200)
        self.status = collections.Counter()
        self.kinds = collections.Counter()  # (kind, status)
        self.ids_by_token: dict[str, set] = collections.defaultdict(set)
        self.accepted_tokens: collections.Counter = collections.Counter()
        self.latencies: list[float] = []
        self.bad_bodies: list[str] = []
        self.measuring = False
        self.stop = False
        self.exhausted = False


def client(port: int, shared: Shared, qs: list[dict], duplicates: float, seed: int) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "X-Forwarded-Proto": "https", "Connection": "keep-alive"}
    while not shared.stop:
        kind = "new"
        with shared.lock:
            if shared.recent and rng.random() < duplicates:
                token, client_id, body = rng.choice(shared.recent)
                if rng.random() < 0.5:
                    kind = "same token and client_id"
                else:
                    kind, client_id = "same token, new client_id", str(uuid.uuid4())
                    body = dict(body, client_id=client_id)
            elif shared.tokens:
                token, client_id = shared.tokens.popleft(), str(uuid.uuid4())
                body = {"token": token, "client_id": client_id, "answers": answers(rng, qs)}
                shared.recent.append((token, client_id, body))  # before sending: duplicates may race the original
            else:
                shared.exhausted = True
                return
            measuring = shared.measuring
        payload = json.dumps(body)
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/responses", body=payload, headers=headers)
            resp = conn.getresponse()
            status, data = resp.status, resp.read()
        except (OSError, http.client.HTTPException) as exc:
            status, data = 0, repr(exc).encode()
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - started
        response_id = None
        if status in (200, 201):
            try:
                parsed = json.loads(data)
                response_id = parsed.get("id") if isinstance(parsed, dict) else None
            except ValueError:
                pass
        with shared.lock:
            shared.status[status] += 1
            shared.kinds[(kind, status)] += 1
            if measuring:
                shared.latencies.append(elapsed)
            if status == 201:
                shared.accepted_tokens[token] += 1
            if response_id is not None:
                shared.ids_by_token[token].add(response_id)
            if status not in (200, 201) and len(shared.bad_bodies) < 5:
                shared.bad_bodies.append(f"{status} {kind}: {data[:300]!r}")


def reference(port: int, clients: int, seconds: float) -> float:
    """Requests per second of ``GET /healthz`` (no session, one ``SELECT 1``) from the same number of keep-alive
    clients: the stack's ceiling under the machine's load of the moment, to read the submission figure against."""
    done, stop = [0] * clients, time.perf_counter() + seconds

    def loop(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            done[k] += 1

    threads = [threading.Thread(target=loop, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - t0)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(master: int, server: str, database: str) -> dict[str, list[int]]:
    """The gunicorn workers, and the PostgreSQL backends connected to the benchmark's database."""
    import psycopg

    try:
        workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        workers = []
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            [database]).fetchall()
    return {"app": workers, "db": [r[0] for r in rows]}


def cpu_snapshot(pids: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    return {kind: {pid: cpu_seconds(pid) for pid in group} for kind, group in pids.items()}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def wrk_bodies(tokens: list[str], qs: list[dict], threads: int, duplicates: float, prefix: str,
               seed: int) -> int:
    """Write the submissions of one wrk run: ``prefix.<n>`` per thread, one JSON body a line. About
    ``duplicates`` of the lines repeat one of the thread's 50 latest submissions, half the same body (a retry or a
    double tap), half the same token with a new ``client_id`` (a second tab); the same connection pool sends them
    while the originals may still be in flight. Answers the number of new submissions written."""
    rng = random.Random(seed)
    for n in range(threads):
        recent: collections.deque = collections.deque(maxlen=50)
        lines = []
        for token in tokens[n::threads]:
            body = {"token": token, "client_id": str(uuid.uuid4()), "answers": answers(rng, qs)}
            recent.append(body)
            lines.append(json.dumps(body))
            while recent and rng.random() < duplicates:
                again = rng.choice(recent)
                if rng.random() >= 0.5:
                    again = dict(again, client_id=str(uuid.uuid4()))
                lines.append(json.dumps(again))
        Path(f"{prefix}.{n}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(tokens)


def run_wrk(wrk: str, port: int, connections: int, seconds: int, prefix: str) -> dict:
    cmd = [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(WRK_LUA),
           f"http://127.0.0.1:{port}/api/v1/responses", "--", prefix]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"PONTIS_RESULT (\{.*\})", out.stdout)
    if not match:
        raise SystemExit(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    return json.loads(match.group(1))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main_wrk(args, port: int, server, tokens: list[str], qs: list[dict], qid: int) -> tuple:
    """The same measurement with wrk as the client (C, two threads): the client's own CPU is a small share of the
    machine's, so the figure is the server's, as a phone in the room sees it. Accepted responses and duplicates
    are counted by the Lua script; the database is counted after the run."""
    wrk = shutil.which("wrk")
    warm_tokens = tokens[: max(args.warmup * 400, 1)]
    measured_tokens = tokens[len(warm_tokens):]
    with tempfile.TemporaryDirectory() as tmp:
        wrk_bodies(warm_tokens, qs, 2, args.duplicates, f"{tmp}/warm", 1)
        wrk_bodies(measured_tokens, qs, 2, args.duplicates, f"{tmp}/run", 2)
        started_load = loadavg()
        wait_healthy(port, server)
        print(f"Serving http://127.0.0.1:{port} ({args.workers} workers, database {args.database}), questionnaire "
              f"{qid} with {len(qs)} questions and {len(tokens):,} invitations; client wrk, 2 threads, "
              f"{args.clients} connections; load {started_load}", flush=True)
        ceiling_rps = reference(port, args.clients, 4) if args.reference else 0.0
        warm = run_wrk(wrk, port, args.clients, args.warmup, f"{tmp}/warm") if args.warmup else None
        pids = server_pids(server.pid, args.server, args.database)
        cpu_before, client_before = cpu_snapshot(pids), children_cpu()
        run = run_wrk(wrk, port, args.clients, args.duration, f"{tmp}/run")
        client_cpu = children_cpu() - client_before
        cpu_after = cpu_snapshot(server_pids(server.pid, args.server, args.database))
    cpu = {kind: sum(v - cpu_before[kind].get(pid, 0.0) for pid, v in cpu_after[kind].items()) for kind in cpu_after}
    return warm, run, cpu, client_cpu, ceiling_rps, started_load


def report_wrk(args, warm, run, cpu, client_cpu, ceiling_rps, started_load, stored) -> None:
    measured = run["duration_us"] / 1e6
    accepted = run["created"] + (warm["created"] if warm else 0)
    per = max(run["created"], 1)
    app_ms, db_ms, client_ms = (cpu["app"] / per * 1000, cpu["db"] / per * 1000, client_cpu / per * 1000)
    rate = run["created"] / measured if measured else 0.0
    in_flight = args.clients * (2 if warm else 1)
    errors = run["other"] + run["socket_errors"] + (warm["other"] + warm["socket_errors"] if warm else 0)
    lines = [
        f"client: wrk, 2 threads, {args.clients} connections; {args.warmup} s warm-up + {measured:.1f} s measured",
        f"measured window: {run['requests']:,} posts, {run['created']:,} accepted (201), {run['again']:,} duplicates "
        f"answered 200 -> {rate:.0f} responses/s ({run['requests'] / measured:.0f} posts/s)  target >= {TARGET_RPS}: "
        f"{'MET' if rate >= TARGET_RPS else 'NOT MET'}",
        f"errors (neither 200 nor 201, or a socket error), warm-up included: {errors} "
        f"(first status {run['first_other'] or (warm or {}).get('first_other', 0)})",
        f"reference: GET /healthz from {args.clients} Python clients just before: {ceiling_rps:.0f} requests/s"
        if ceiling_rps else "reference: not measured",
        f"latency (measured window): p50 {run['p50_us'] / 1000:.0f} ms, p95 {run['p95_us'] / 1000:.0f} ms, "
        f"p99 {run['p99_us'] / 1000:.0f} ms",
        # wrk stops at the end of its time without reading the answers still on the way: those posts are stored
        # but not counted, at most one per connection and run. The Python client (--client python) waits for
        # every answer and checks stored = accepted exactly.
        f"stored responses: {stored['responses']:,} vs accepted (warm-up and measured): {accepted:,}; in flight "
        f"when wrk stopped: {stored['responses'] - accepted} (at most {in_flight}) -> "
        f"{'CONSISTENT' if 0 <= stored['responses'] - accepted <= in_flight else 'INCONSISTENT'}",
        f"tokens stored twice (database): {stored['tokens_twice']}; client_ids stored twice: "
        f"{stored['client_ids_twice']}; responses without a token digest: {stored['without_token']}",
        f"answers stored: {stored['answers']:,}; invitations marked answered: {stored['answered_invitations']:,}",
        f"CPU per accepted response in the measured window: app (gunicorn workers) {app_ms:.1f} ms, database "
        f"(its backends) {db_ms:.1f} ms, wrk {client_ms:.2f} ms",
        f"machine load before / after: {started_load} / {loadavg()}",
    ]
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="pontis_bench_feedback", help="PostgreSQL database (created if missing)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="Redis URL, own db number (default 12)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client threads (default 32)")
    parser.add_argument("--duration", type=int, default=25, help="measured seconds (default 25)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds first (default 3)")
    parser.add_argument("--invitations", type=int, default=30_000, help="personal links created (default 30,000)")
    parser.add_argument("--duplicates", type=float, default=0.10, help="share of posts that repeat one (default 0.10)")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="skip the 4 s of GET /healthz measured first (the stack's ceiling at the moment)")
    parser.add_argument("--no-migrate", action="store_true", help="skip migrate (the database is up to date)")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="wrk (C, two threads: the default when installed) or Python threads (every response "
                             "checked: duplicates answered with the original's id)")
    parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.invitations, args.prepare)
        return
    if args.count:
        count(args.count)
        return

    ensure_database(args.server, args.database)
    port = free_port()
    env = server_env(args, port)
    if not args.no_migrate:
        subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with tempfile.NamedTemporaryFile("r", suffix=".tokens", delete=True) as handle:
        sample = child(env, "--prepare", handle.name, "--invitations", str(args.invitations))
        tokens = Path(handle.name).read_text(encoding="utf-8").split()
    qid, qs = sample["questionnaire"], sample["questions"]
    log_path = f"/tmp/pontis-bench-feedback-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    if args.client == "wrk":
        try:
            result = main_wrk(args, port, server, tokens, qs, qid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        report_wrk(args, *result, child(env, "--count", str(qid)))
        print(f"gunicorn log: {log_path}")
        return
    started_load = loadavg()
    shared = Shared(tokens)
    try:
        wait_healthy(port, server)
        print(f"Serving http://127.0.0.1:{port} ({args.workers} workers, database {args.database}), questionnaire "
              f"{qid} with {len(qs)} questions and {len(tokens):,} invitations; load {started_load}", flush=True)
        ceiling_rps = reference(port, args.clients, 4) if args.reference else 0.0
        threads = [threading.Thread(target=client, args=(port, shared, qs, args.duplicates, i), daemon=True)
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.warmup)
        pids = server_pids(server.pid, args.server, args.database)
        cpu_before, client_before = cpu_snapshot(pids), time.process_time()
        with shared.lock:
            shared.measuring = True
            base_status = collections.Counter(shared.status)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < args.duration and not shared.exhausted:
            time.sleep(0.2)
        with shared.lock:
            measured = time.perf_counter() - t0
            shared.measuring = False
            window = shared.status - base_status
        client_cpu = time.process_time() - client_before
        later = server_pids(server.pid, args.server, args.database)
        cpu_after = cpu_snapshot(later)
        cpu = {kind: sum(v - cpu_before[kind].get(pid, 0.0) for pid, v in cpu_after[kind].items())
               for kind in cpu_after}
        shared.stop = True
        for t in threads:
            t.join(timeout=35)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    ended_load = loadavg()
    stored = child(env, "--count", str(qid))

    sent = sum(shared.status.values())
    accepted = shared.status[201]
    dup200 = shared.status[200]
    errors = sent - accepted - dup200
    tokens_201_twice = sum(1 for n in shared.accepted_tokens.values() if n > 1)
    tokens_two_ids = sum(1 for ids in shared.ids_by_token.values() if len(ids) > 1)
    window_sent = sum(window.values())
    per = max(window[201], 1)
    app_ms, db_ms, client_ms = (cpu["app"] / per * 1000, cpu["db"] / per * 1000, client_cpu / per * 1000)
    ceiling = os.cpu_count() * 1000 / max(app_ms + db_ms + client_ms, 0.001)
    ceiling_server = os.cpu_count() * 1000 / max(app_ms + db_ms, 0.001)
    lines = [
        f"submissions sent: {sent:,} ({args.clients} clients, {args.warmup} s warm-up + {measured:.1f} s measured"
        f"{', ran out of invitations' if shared.exhausted else ''})",
        f"accepted (201): {accepted:,}",
        f"duplicates answered 200: {dup200:,}",
        f"errors (neither 200 nor 201): {errors:,} {dict((s, n) for s, n in shared.status.items() if s not in (200, 201))}",
        f"by kind: {dict((f'{k} -> {s}', n) for (k, s), n in sorted(shared.kinds.items(), key=str))}",
        f"measured window: {window_sent:,} posts, {window[201]:,} accepted -> {window[201] / measured:.0f} responses/s "
        f"({window_sent / measured:.0f} posts/s)  target >= {TARGET_RPS}: "
        f"{'MET' if window[201] / measured >= TARGET_RPS else 'NOT MET'}",
        f"reference: GET /healthz from the same clients just before: {ceiling_rps:.0f} requests/s"
        if ceiling_rps else "reference: not measured",
        f"latency (measured window): p50 {percentile(shared.latencies, 50):.0f} ms, "
        f"p95 {percentile(shared.latencies, 95):.0f} ms, p99 {percentile(shared.latencies, 99):.0f} ms",
        f"stored responses: {stored['responses']:,} vs accepted: {accepted:,} -> "
        f"{'EQUAL' if stored['responses'] == accepted else 'DIFFERENT'}",
        f"tokens stored twice (database): {stored['tokens_twice']}; client_ids stored twice: "
        f"{stored['client_ids_twice']}; responses without a token digest: {stored['without_token']}",
        f"tokens accepted (201) twice (client side): {tokens_201_twice}; tokens answered with two different "
        f"response ids: {tokens_two_ids}",
        f"answers stored: {stored['answers']:,}; invitations marked answered: {stored['answered_invitations']:,}",
        f"CPU per accepted response in the measured window: app (gunicorn workers) {app_ms:.1f} ms, database "
        f"(its backends) {db_ms:.1f} ms, this client {client_ms:.1f} ms -> ceiling on {os.cpu_count()} idle cores "
        f"with this client on the same machine: about {ceiling:.0f} responses/s (client excluded: "
        f"{ceiling_server:.0f})",
        f"machine load before / after: {started_load} / {ended_load}",
    ]
    print("\n".join(lines))
    for body in shared.bad_bodies:
        print("  e.g.", body)
    print(f"gunicorn log: {log_path}")


if __name__ == "__main__":
    main()
